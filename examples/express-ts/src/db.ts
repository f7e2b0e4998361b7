import { Pool } from "pg";

export const pool = new Pool({ connectionString: process.env.DATABASE_URL });

// read-only replica for reports
export const replica = new Pool({
  connectionString: process.env.REPLICA_URL,
  max: 5,
  connectionTimeoutMillis: 5_000,
});
