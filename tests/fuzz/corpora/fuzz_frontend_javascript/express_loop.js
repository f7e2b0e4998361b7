const app = require("express")();
const sessions = {};
app.get("/:id", async (req, res) => {
  for (const id of req.body.ids) await db.collection("u").find({ id }).limit(1000).toArray();
  sessions[req.params.id] = res;
});
