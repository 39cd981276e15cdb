/**
 * The {@code p2pchat/1} frame codec: {@link dev.p2pchat.peer.protocol.Frame} and its records,
 * {@link dev.p2pchat.peer.protocol.FrameType}, {@link dev.p2pchat.peer.protocol.FrameReader},
 * {@link dev.p2pchat.peer.protocol.FrameWriter}.
 *
 * <p>The codec never sees a socket: it reads from an {@code InputStream} and writes to an
 * {@code OutputStream}. TLS and sockets live in {@code transport}, the chat and file state
 * machines (which frame may follow which) in {@code session}. The wire format is specified in
 * {@code docs/PROTOCOL.md}.
 *
 * <p>A peer's mistake is a {@link dev.p2pchat.peer.protocol.ProtocolException} with an exact
 * message; misuse of the API by our own code is an {@code IllegalArgumentException} (bad
 * record values) or an {@code IllegalStateException}.
 */
package dev.p2pchat.peer.protocol;
