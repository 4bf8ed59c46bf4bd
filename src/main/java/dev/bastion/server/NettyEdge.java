package dev.bastion.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Two fixes below Vert.x, in each HTTP/1.x connection's pipeline, so that every request — even one the
 * HTTP stack itself gives up on — gets an answer in the JSON error shape and an access line:
 * <ul>
 *   <li>a request line with a version other than HTTP/1.0 or 1.1 ({@code HTTP/1.2}, {@code HTTP/2.0}) is
 *       marked as undecodable, so the invalid-request handler answers 505 (Vert.x itself answers a bare 501);</li>
 *   <li>a close is preceded by a flush: when the decoder fails mid-body (Netty refuses some valid chunk
 *       extensions, {@code 5;ext=1}), Vert.x closes the connection in the same turn as the 400 Bastion wrote,
 *       and an unflushed answer would be lost.</li>
 * </ul>
 */
final class NettyEdge extends ChannelDuplexHandler {
    /** The request line's version is not one Bastion speaks. */
    static final class UnsupportedVersion extends RuntimeException {
        UnsupportedVersion(String version) {
            super("HTTP version " + version + " is not supported", null, false, false);
        }
    }

    private NettyEdge() {}

    /** Adds the handler in front of Vert.x's own, on a new connection. */
    static void install(HttpConnection connection) {
        if (connection instanceof ConnectionBase c) {
            ChannelHandlerContext vertx = c.channelHandlerContext();
            if (vertx.pipeline().get(NettyEdge.class) == null) vertx.pipeline().addBefore(vertx.name(), "bastion-edge", new NettyEdge());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest r && r.decoderResult().isSuccess()) {
            HttpVersion v = r.protocolVersion();
            if (v != HttpVersion.HTTP_1_1 && v != HttpVersion.HTTP_1_0) {
                // Answered as HTTP/1.1, the highest version this server speaks (RFC 9110 §6.2).
                r.setProtocolVersion(HttpVersion.HTTP_1_1);
                r.setDecoderResult(DecoderResult.failure(new UnsupportedVersion(v.text())));
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.flush();
        ctx.close(promise);
    }
}
