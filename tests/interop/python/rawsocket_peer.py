"""An Autobahn|Python (asyncio) RawSocket client for the interop tests: joins realm1 over the URL it is given
(rs://host:port or rs+unix:///path) with the serializer it is given, registers, calls, gets an error, subscribes and
publishes, and reports each step as one JSON line on stdout for the test to check."""

import asyncio
import json
import sys
from urllib.parse import urlparse

from autobahn.asyncio.rawsocket import WampRawSocketClientFactory, WampRawSocketClientProtocol
from autobahn.asyncio.wamp import ApplicationSession
from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer
from autobahn.wamp.types import ComponentConfig, PublishOptions

# Autobahn|Python 22.7 (Debian 12's python3-autobahn): its session reads `transport.transport_details` on WELCOME,
# which the asyncio WebSocket protocol has and the asyncio RawSocket protocol lacks, so every join over RawSocket
# fails with an AttributeError. The property returns what the protocol already keeps; the wire stays Autobahn's own.
if not hasattr(WampRawSocketClientProtocol, "transport_details"):
    WampRawSocketClientProtocol.transport_details = property(lambda self: self._transport_details)

SERIALIZERS = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}


def report(**fields):
    print(json.dumps(fields), flush=True)


class Peer(ApplicationSession):
    async def onJoin(self, details):
        report(step="joined", session=details.session)
        await self.register(lambda a, b: a + b, "com.py.add")
        big = "x" * (1 << 20)
        echoed = await self.call("com.node.echo", big)
        report(step="echo", length=len(echoed), same=echoed == big)
        try:
            await self.call("com.node.fail", 7)
        except ApplicationError as error:
            report(step="error", uri=error.error, args=list(error.args))
        news = asyncio.get_running_loop().create_future()
        await self.subscribe(lambda message: news.set_result(message), "com.node.news")
        # The test now calls com.py.add and publishes on com.node.news.
        report(step="ready")
        message = await news
        await self.publish("com.py.news", message, options=PublishOptions(acknowledge=True))
        report(step="published", message=message)
        self.leave()

    def onDisconnect(self):
        report(step="disconnected")
        asyncio.get_event_loop().stop()


def main():
    url, serializer = urlparse(sys.argv[1]), SERIALIZERS[sys.argv[2]]()
    factory = WampRawSocketClientFactory(lambda: Peer(ComponentConfig("realm1")), serializer=serializer)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    if url.scheme == "rs+unix":
        opening = loop.create_unix_connection(factory, url.path)
    else:
        opening = loop.create_connection(factory, url.hostname, url.port)
    loop.run_until_complete(opening)
    loop.run_forever()


if __name__ == "__main__":
    main()
