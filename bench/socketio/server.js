// A Socket.IO room broadcast, written the way its documentation teaches: `join` puts the socket in a room,
// `send` is acknowledged and the body is emitted to the whole room, sender included. WebSocket transport
// only (the load generator speaks Engine.IO 4 over WebSocket directly), no storage, no auth.
//
// With REDIS_URL set, the server joins its peers through `@socket.io/redis-adapter` (seed 004's deployment:
// several Node processes, one Redis), so a room's members may sit on different processes.
const { createServer } = require("http");
const { Server } = require("socket.io");

const port = Number(process.argv[2] || 3400);
const httpServer = createServer();
const io = new Server(httpServer, { transports: ["websocket"], serveClient: false });

io.on("connection", (socket) => {
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (typeof ack === "function") ack();
  });
  socket.on("send", (data, ack) => {
    io.to(data.room).emit("message", data.body);
    if (typeof ack === "function") ack();
  });
});

async function listen() {
  if (process.env.REDIS_URL) {
    const { createClient } = require("redis");
    const { createAdapter } = require("@socket.io/redis-adapter");
    const pubClient = createClient({ url: process.env.REDIS_URL });
    const subClient = pubClient.duplicate();
    await Promise.all([pubClient.connect(), subClient.connect()]);
    io.adapter(createAdapter(pubClient, subClient));
  }
  httpServer.listen(port, "127.0.0.1", () => {
    const through = process.env.REDIS_URL ? " (Redis adapter)" : "";
    console.log(`socket.io listening on ws://127.0.0.1:${port}${through}`);
  });
}

listen().catch((error) => {
  console.error(error);
  process.exit(1);
});
