#!/usr/bin/env python3
"""A TCP proxy in front of PostgreSQL that puts the server far away: every
byte waits DELAY_MS before it goes on, each way, so a round trip takes
twice that longer, as from a laptop on a VPN.  Order is kept.

    delay_proxy.py LISTEN_PORT SERVER_PORT DELAY_MS

It listens on 127.0.0.1 and connects to the server on 127.0.0.1."""
import asyncio
import sys


async def pump(reader, writer, delay):
    """Reads as it comes, writes each chunk delay seconds after it came."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def later():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(later())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            queue.put_nowait((loop.time() + delay, data))
    except OSError:
        pass
    queue.put_nowait((0, None))
    try:
        await sender
    except OSError:
        pass
    writer.close()


async def session(client_r, client_w, server_port, delay):
    try:
        server_r, server_w = await asyncio.open_connection('127.0.0.1', server_port)
    except OSError:
        client_w.close()
        return
    await asyncio.gather(pump(client_r, server_w, delay), pump(server_r, client_w, delay))


async def main():
    listen_port, server_port, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000
    server = await asyncio.start_server(lambda r, w: session(r, w, server_port, delay), '127.0.0.1',
                                        listen_port, reuse_address=True)
    async with server:
        await server.serve_forever()


if __name__ == '__main__':
    asyncio.run(main())
