// A Socket.IO room broadcast, written the way its documentation teaches: `join` puts the socket in a room,
// `send` is acknowledged and the body is emitted to the whole room, sender included. WebSocket transport
// only (the load generator speaks Engine.IO 4 over WebSocket directly), no storage, no auth.
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

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`socket.io listening on ws://127.0.0.1:${port}`);
});
