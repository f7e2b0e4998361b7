import type { Server as HttpServer } from "node:http";

import { Server } from "socket.io";

export function attachRealtime(httpServer: HttpServer) {
  const io = new Server(httpServer, { cors: { origin: process.env.WEB_ORIGIN } });
  io.on("connection", (socket) => {
    const userId = socket.handshake.auth.userId as string;
    socket.join(`user:${userId}`);
  });
  return io;
}
