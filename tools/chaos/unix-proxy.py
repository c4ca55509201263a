#!/usr/bin/env python3
"""A TCP to Unix-socket forwarder, stdlib only.

The daemon speaks HTTP only on a Unix socket; tools that want a base URL (schemathesis)
talk to this instead. Each TCP connection accepted on HOST:PORT gets its own connection
to the socket, and bytes are copied both ways until either side closes. It does not parse
HTTP, so whatever the daemon answers (or fails to answer) reaches the client unchanged.

    tools/chaos/unix-proxy.py --socket DIR/junction.sock [--host 127.0.0.1] [--port 8080]

With --port 0 it picks a free port. Once listening it prints "listening on HOST:PORT"
(and writes the port to --port-file when given), then runs until SIGTERM or SIGINT.
"""

import argparse
import asyncio
import os
import signal
import sys


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        # Pass the half-close on: an HTTP client that shuts down its write side still
        # wants the answer.
        try:
            if writer.can_write_eof():
                writer.write_eof()
        except (OSError, RuntimeError):
            pass


async def handle(socket_path: str, client_reader: asyncio.StreamReader,
                 client_writer: asyncio.StreamWriter) -> None:
    try:
        upstream_reader, upstream_writer = await asyncio.open_unix_connection(socket_path)
    except OSError as error:
        print(f"unix-proxy: cannot reach {socket_path}: {error}", file=sys.stderr)
        client_writer.close()
        return
    try:
        await asyncio.gather(
            pipe(client_reader, upstream_writer),
            pipe(upstream_reader, client_writer),
        )
    finally:
        for writer in (upstream_writer, client_writer):
            try:
                writer.close()
            except OSError:
                pass


async def main() -> None:
    parser = argparse.ArgumentParser(description="Forward TCP connections to a Unix socket.")
    parser.add_argument("--socket", required=True, help="the Unix socket to forward to")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free one)")
    parser.add_argument("--port-file", help="write the port listened on to this file")
    args = parser.parse_args()

    server = await asyncio.start_server(
        lambda r, w: handle(args.socket, r, w), host=args.host, port=args.port, reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"listening on {args.host}:{port}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
