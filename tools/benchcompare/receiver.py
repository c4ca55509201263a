"""A callback receiver for row j: an asyncio HTTP/1.1 server (keep-alive) that answers every
POST 200 at once and notes, per request, the wall-clock time its first byte arrived, its path
(the connection) and the event's order_id. GET /_stats answers {"count", "arrivals": [[t,
path, order_id], ...]} (arrivals only with ?arrivals=1). Usage: receiver.py PORT"""
import asyncio
import json
import sys
import time

arrivals = []


class Receiver(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""
        self.first = None

    def data_received(self, data):
        if not self.buffer:
            self.first = time.time()
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:].strip())
            if len(self.buffer) < head_end + 4 + length:
                return
            body = self.buffer[head_end + 4:head_end + 4 + length]
            request_line = head.split(b"\r\n", 1)[0].split(b" ")
            self.buffer = self.buffer[head_end + 4 + length:]
            first, self.first = self.first, (time.time() if self.buffer else None)
            if request_line[0] == b"GET":
                with_times = b"arrivals=1" in request_line[1]
                answer = json.dumps({"count": len(arrivals), "arrivals": arrivals if with_times else []}).encode()
            else:
                start = body.find(b'"order_id":"')
                order = body[start + 12:body.find(b'"', start + 12)].decode() if start >= 0 else ""
                arrivals.append((first, request_line[1].decode(), order))
                answer = b""
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                 + str(len(answer)).encode() + b"\r\n\r\n" + answer)


async def main(port):
    server = await asyncio.get_running_loop().create_server(Receiver, "127.0.0.1", port)
    print(f"receiver on {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
