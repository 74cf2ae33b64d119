package org.membership.examples.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host's HTTP/1.1 server: reads each request in full without holding a thread, within a time
 * limit and a size limit, hands it to {@link Routes} on a bounded pool of workers, and writes the
 * answer. Every answer it gives itself — a request it cannot parse, one too large, one too slow,
 * one it has no worker for — is in the dialect of the API the request's path belongs to.
 *
 * <p>Limits ({@link Limits#defaults()}): at most 1,024 open connections (more are closed as they
 * arrive); each request must arrive whole, head and body, within 10 s of its connection opening or
 * of the previous answer on it (else the connection is closed, with a 408 if its head had arrived);
 * a request line and the headers are at most 8 KiB each (414, 431), a body at most
 * {@link Routes#MAX_BODY_BYTES} (413, before it is read); 16 workers and 256 read requests waiting
 * for one (beyond that, 503 — Anthropic's 529). Idle connections are closed after the same 10 s.
 *
 * <p>Thread-safe; {@link #close()} stops it.
 */
final class HttpTransport implements AutoCloseable {
    /*
     * Why not the JDK's HttpServer, which this host used before. It hands a connection to a worker
     * thread at its first byte and reads the request head there with a blocking read, so 16 clients
     * that send half a head stop a 16-thread server; its only time limit is a JVM-wide system
     * property, and it has no connection limit on Java 17. And it answers what it cannot parse
     * itself, before any handler runs, with an HTML page naming the exception ("URISyntaxException
     * thrown"), which no API here documents. Netty's HTTP codec decodes on a few event-loop threads
     * that never wait for a socket, and gives the host every request it read, a malformed one
     * included, with its request line as sent: so every limit below is the host's, and so is every
     * answer.
     *
     * One request at a time per connection: while a request is being answered the connection stops
     * reading, and what was already decoded waits in the connection's queue, so pipelined requests
     * are answered in order and a client cannot make the host buffer more than one socket read.
     */

    /** The largest request line and the largest head, in bytes. */
    static final int MAX_LINE_BYTES = 8192;
    static final int MAX_HEADER_BYTES = 8192;

    private static final System.Logger LOG = System.getLogger(HttpTransport.class.getName());

    /**
     * The transport's limits.
     *
     * @param requestTimeout how long a connection may take to deliver a whole request
     * @param maxConnections how many connections may be open at once
     * @param workers how many requests are handled at once
     * @param queuedRequests how many read requests may wait for a worker
     */
    record Limits(Duration requestTimeout, int maxConnections, int workers, int queuedRequests) {
        Limits {
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            if (requestTimeout.isNegative() || requestTimeout.isZero() || maxConnections < 1 || workers < 1
                    || queuedRequests < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }

        /** @return 10 s per request, 1,024 connections, 16 workers, 256 queued requests */
        static Limits defaults() {
            return new Limits(Duration.ofSeconds(10), 1024, 16, 256);
        }

        Limits requestTimeout(Duration value) {
            return new Limits(value, maxConnections, workers, queuedRequests);
        }

        Limits maxConnections(int value) {
            return new Limits(requestTimeout, value, workers, queuedRequests);
        }
    }

    private final EventLoopGroup acceptor;
    private final EventLoopGroup io;
    private final ThreadPoolExecutor workers;
    private final Channel listener;
    private final AtomicInteger open = new AtomicInteger();

    private HttpTransport(String host, int port, Routes routes, Limits limits) {
        acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("membership-http-accept", true),
                NioIoHandler.newFactory());
        io = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("membership-http-io", true),
                NioIoHandler.newFactory());
        workers = new ThreadPoolExecutor(limits.workers(), limits.workers(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.queuedRequests()), new DefaultThreadFactory("membership-http", true));
        HttpDecoderConfig decoding = new HttpDecoderConfig().setMaxInitialLineLength(MAX_LINE_BYTES)
                .setMaxHeaderSize(MAX_HEADER_BYTES).setMaxChunkSize(8192);
        ServerBootstrap bootstrap = new ServerBootstrap().group(acceptor, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 512)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.closeFuture().addListener(f -> open.decrementAndGet());
                        if (open.incrementAndGet() > limits.maxConnections()) {
                            channel.close();
                            return;
                        }
                        channel.pipeline().addLast(new HttpServerCodec(decoding),
                                new Exchange(routes, workers, limits.requestTimeout()));
                    }
                });
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        listener = bound.isSuccess() ? bound.channel() : null;
        if (listener == null) {
            close();
            Throwable cause = bound.cause();
            throw new UncheckedIOException("cannot listen on " + host + ":" + port,
                    cause instanceof IOException e ? e : new IOException(String.valueOf(cause), cause));
        }
    }

    /**
     * @throws UncheckedIOException if the address cannot be bound
     */
    static HttpTransport start(String host, int port, Routes routes, Limits limits) {
        return new HttpTransport(host, port, routes, limits);
    }

    /** @return the bound address */
    InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** @return how many connections are open (for tests and diagnostics) */
    int openConnections() {
        return open.get();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        workers.shutdownNow();
    }

    /** One connection: reads one request, answers it, reads the next. Used by its event loop only. */
    private static final class Exchange extends ChannelInboundHandlerAdapter {
        private final Routes routes;
        private final ThreadPoolExecutor workers;
        private final Duration timeout;
        private ScheduledFuture<?> deadline;
        private HttpRequest head;
        private ByteArrayOutputStream body;
        /** After an answer that ends the connection: the rest of the input is read and dropped until the client closes. */
        private boolean draining;
        /** Whether a request is with a worker; until it is answered, what arrives waits in {@link #waiting}. */
        private boolean answering;
        private final ArrayDeque<Object> waiting = new ArrayDeque<>();

        Exchange(Routes routes, ThreadPoolExecutor workers, Duration timeout) {
            this.routes = routes;
            this.workers = workers;
            this.timeout = timeout;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            arm(ctx);
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            disarm();
            waiting.forEach(ReferenceCountUtil::release);
            waiting.clear();
            ctx.fireChannelInactive();
        }

        private void arm(ChannelHandlerContext ctx) {
            disarm();
            deadline = ctx.executor().schedule(() -> expire(ctx), timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void disarm() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        private void expire(ChannelHandlerContext ctx) {
            deadline = null;
            if (head != null && !draining) {
                end(ctx, routes.dialectFor(head.uri()).unreadable(408, "the request did not arrive within "
                        + timeout.toMillis() + " ms"), false);
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (answering || !waiting.isEmpty()) {
                waiting.add(msg);
                return;
            }
            read(ctx, msg);
        }

        private void read(ChannelHandlerContext ctx, Object msg) {
            try {
                if (draining) {
                    return;
                }
                if (msg instanceof HttpRequest request) {
                    begin(ctx, request);
                    if (msg instanceof HttpContent content && !draining) {
                        append(ctx, content);
                    }
                } else if (msg instanceof HttpContent content && head != null) {
                    append(ctx, content);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /** After an answer: reads again, first what arrived meanwhile. */
        private void resume(ChannelHandlerContext ctx) {
            answering = false;
            ctx.channel().config().setAutoRead(true);
            Object next;
            while (!answering && (next = waiting.poll()) != null) {
                read(ctx, next);
            }
        }

        private void begin(ChannelHandlerContext ctx, HttpRequest request) {
            head = request;
            body = new ByteArrayOutputStream();
            Dialect dialect = routes.dialectFor(request.uri());
            if (request.decoderResult().isFailure()) {
                Throwable cause = request.decoderResult().cause();
                end(ctx, cause instanceof TooLongHttpHeaderException
                        ? dialect.unreadable(431, "the request headers are larger than " + MAX_HEADER_BYTES + " bytes")
                        : cause instanceof TooLongHttpLineException
                        ? dialect.unreadable(414, "the request line is longer than " + MAX_LINE_BYTES + " bytes")
                        : dialect.unreadable(400, "the request could not be parsed"), true);
                return;
            }
            long length = HttpUtil.getContentLength(request, -1L);
            if (length > Routes.MAX_BODY_BYTES) {
                end(ctx, dialect.tooLarge(Routes.MAX_BODY_BYTES), true);
                return;
            }
            if (HttpUtil.is100ContinueExpected(request)) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
        }

        private void append(ChannelHandlerContext ctx, HttpContent content) {
            Dialect dialect = routes.dialectFor(head.uri());
            if (content.decoderResult().isFailure()) {
                end(ctx, dialect.unreadable(400, "the request body could not be parsed"), true);
                return;
            }
            ByteBuf bytes = content.content();
            if (body.size() + bytes.readableBytes() > Routes.MAX_BODY_BYTES) {
                end(ctx, dialect.tooLarge(Routes.MAX_BODY_BYTES), true);
                return;
            }
            byte[] chunk = new byte[bytes.readableBytes()];
            bytes.readBytes(chunk);
            body.writeBytes(chunk);
            if (content instanceof LastHttpContent) {
                dispatch(ctx);
            }
        }

        private void dispatch(ChannelHandlerContext ctx) {
            disarm();
            answering = true;
            ctx.channel().config().setAutoRead(false);
            HttpRequest request = head;
            Routes.Incoming in = new Routes.Incoming(request.method().name(), request.uri(), headers(request),
                    body.toByteArray());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            try {
                workers.execute(() -> {
                    Response response = routes.handle(in);
                    try {
                        ctx.executor().execute(() -> answer(ctx, request, response, keepAlive));
                    } catch (RejectedExecutionException closing) {
                        // the server is closing: nobody is left to answer
                    }
                });
            } catch (RejectedExecutionException e) {
                answer(ctx, request, routes.dialectFor(in.target()).overloaded(), false);
            }
        }

        private static Map<String, List<String>> headers(HttpRequest request) {
            Map<String, List<String>> headers = new HashMap<>();
            for (Map.Entry<String, String> h : request.headers()) {
                headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
            }
            return headers;
        }

        private void answer(ChannelHandlerContext ctx, HttpRequest request, Response response, boolean keepAlive) {
            if (!ctx.channel().isActive()) {
                return;
            }
            head = null;
            body = null;
            if (!keepAlive) {
                end(ctx, response, false);
                return;
            }
            ctx.writeAndFlush(encode(request, response, true));
            arm(ctx);
            resume(ctx);
        }

        /** Writes the answer and ends the connection: at once if {@code drain} is false, else once the client stops sending. */
        private void end(ChannelHandlerContext ctx, Response response, boolean drain) {
            HttpRequest request = head;
            head = null;
            body = null;
            draining = true;
            Channel channel = ctx.channel();
            var written = ctx.writeAndFlush(encode(request, response, false));
            if (drain && channel instanceof SocketChannel socket) {
                // Closing with unread input would reset the connection and lose the answer: stop writing, read and
                // drop what the client still sends, and close when it does, or when the deadline comes.
                written.addListener(f -> socket.shutdownOutput());
                arm(ctx);
                answering = false;
                ctx.channel().config().setAutoRead(true);
            } else {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static FullHttpResponse encode(HttpRequest request, Response response, boolean keepAlive) {
            byte[] bytes = response.status() == 204 ? new byte[0] : response.body().getBytes(StandardCharsets.UTF_8);
            boolean headRequest = request != null && HttpMethod.HEAD.equals(request.method());
            FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(response.status()),
                    headRequest ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
            response.headers().forEach((name, value) -> out.headers().set(name, value));
            if (response.status() != 204) {
                out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType() + "; charset=utf-8");
                out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            }
            if (!keepAlive) {
                out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (request != null && request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            return out;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "connection failed", cause);
            ctx.close();
        }
    }
}
