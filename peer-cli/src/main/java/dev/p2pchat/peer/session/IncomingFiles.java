package dev.p2pchat.peer.session;

import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The files the peer sends us on one connection. An offer is checked against the policy and the
 * disk, a partial of the same file is resumed, data is appended and hashed, and only a matching
 * hash gives the file its final name.
 */
final class IncomingFiles {

    /** Where one file stands. Only {@link #SETTLED} is final; a file is settled exactly once. */
    enum State {
        /** Offered; the policy or the user is deciding. */
        DECIDING,
        /** FILE_ACCEPT sent: data may come. */
        RECEIVING,
        /** FILE_END received: being checked, synced and named on the executor; nothing more may come. */
        ENDED,
        /** Saved, discarded, refused, cancelled or lost: the result is out. */
        SETTLED
    }

    /**
     * Offers refused in a row (at once, or declined by the user) before the next refusal ends the
     * session. Far more than a person causes by hand; a script sending a folder to a peer that
     * takes none of it learns so after 64 files; and it bounds what a peer can make us answer,
     * log and report without ever sending a file. An accepted offer starts the count again.
     */
    static final int MAX_REFUSED_IN_A_ROW = 64;
    /**
     * Ids we cancelled after FILE_ACCEPT that we still remember. Their data may already be on its
     * way and is dropped without an error; the sender stops within a round trip, so the latest
     * few are all that matter. Ids refused before FILE_ACCEPT never need remembering: a sender
     * sends data only after FILE_ACCEPT.
     */
    static final int CANCELLED_REMEMBERED = 64;

    private final Transfers.Link link;
    private final TransferEvents events;
    private final ReceivePolicy policy;
    private final Executor executor;
    private final boolean oddIds;
    private final Map<Long, Incoming> incoming = new ConcurrentHashMap<>();
    /** The latest ids we cancelled after accepting them (bounded): their frames in flight are dropped. */
    private final Set<Long> cancelled = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                    return size() > CANCELLED_REMEMBERED;
                }
            }));
    /** The id of the peer's latest offer (reader thread only): offer ids only ever increase. */
    private long lastOfferedId = -1;
    private final AtomicInteger refusedInARow = new AtomicInteger();

    IncomingFiles(Transfers.Link link, boolean dialer, TransferEvents events, ReceivePolicy policy, Executor executor) {
        this.link = link;
        this.events = events;
        this.policy = policy;
        this.executor = executor;
        this.oddIds = dialer;
    }

    private final class Incoming {
        final Transfer transfer;
        final Downloads.Claim claim;
        /** Where in the downloads folder it goes: sanitized folders (empty for a single file) and the offered name. */
        final List<String> folders;
        final String offeredName;
        /** An empty folder that was sent, not a file. */
        final boolean folder;
        final AtomicReference<State> state = new AtomicReference<>(State.DECIDING);
        FileChannel channel;
        MessageDigest digest;
        long received;

        Incoming(Transfer transfer, Downloads.Claim claim, Frame.FileOffer offer, List<String> folders) {
            this.transfer = transfer;
            this.claim = claim;
            this.folders = folders;
            this.offeredName = offer.name();
            this.folder = offer.folder();
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing more to save
                }
            }
        }

        /** Returns the state it was settled from, or null when it was settled already. */
        State finish(boolean ok, String message, Path savedAs, String sha256) {
            return settle(transfer.result(ok, message, savedAs, sha256));
        }

        void lost() {
            settle(transfer.lost(Transfers.lostMessage(link.peer(), transfer)));
        }

        /**
         * Once only: a decline on the executor may race the end of the session on another thread,
         * and each would report the file. The partial stays for a resume unless published or
         * discarded before.
         */
        private State settle(Transfer.Result r) {
            State before = state.getAndSet(State.SETTLED);
            if (before == State.SETTLED) {
                return null;
            }
            incoming.remove(transfer.id());
            close();
            claim.release();
            events.finished(transfer, r);
            return before;
        }
    }

    void onOffer(Frame.FileOffer offer) throws IOException {
        long id = offer.id();
        if ((id % 2 == 1) == oddIds) {
            throw new ProtocolException("FILE_OFFER id " + id + " has the parity of this side's ids");
        }
        if (id <= lastOfferedId) {
            throw new ProtocolException("FILE_OFFER id " + id + " is not above the last offered id " + lastOfferedId);
        }
        lastOfferedId = id;
        String shown = offer.path() == null ? offer.name() : offer.path() + "/" + offer.name();
        Transfer transfer = new Transfer(id, Transfer.Direction.RECEIVE, link.peer(), shown, offer.size());
        String refusal = refusal(offer);
        List<String> folders = List.of();
        if (refusal == null) {
            try {
                folders = FileNames.folders(offer.path());
            } catch (IllegalArgumentException tooDeep) {
                refusal = "too deeply nested: " + tooDeep.getMessage();
            }
        }
        String here = refusal;
        Downloads.Claim claim = null;
        if (refusal == null) {
            try {
                claim = policy.downloads().claim(link.peer(), offer.path(), offer.name(), offer.size(), transfer);
            } catch (Downloads.Refused e) {
                refusal = e.forPeer();
                here = e.getMessage();
            } catch (IOException e) {
                // e.g. the downloads folder is a file, read-only or shared: refuse this file, keep the session
                refusal = "the receiver cannot write the file: " + Transfers.peerReason(e);
                here = "cannot receive files: " + Transfers.reason(e);
            }
        }
        if (refusal != null) {
            if (refusedInARow.incrementAndGet() > MAX_REFUSED_IN_A_ROW) {
                throw new ProtocolException("more than " + MAX_REFUSED_IN_A_ROW + " file offers refused in a row");
            }
            link.send(new Frame.FileReject(id, refusal));
            events.finished(transfer, transfer.result(false, "refused '" + shown + "': " + here, null, null));
            return;
        }
        Incoming in = new Incoming(transfer, claim, offer, folders);
        incoming.put(id, in);
        CompletableFuture<Boolean> decision = policy.mode() == ReceivePolicy.Mode.ASK
                ? events.ask(transfer) : CompletableFuture.completedFuture(true);
        decision.whenComplete((yes, failure) -> {
            try {
                executor.execute(() -> {
                    if (Boolean.TRUE.equals(yes)) {
                        accept(in);
                    } else {
                        reject(in, "declined by the receiver");
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // the session ended while the user was deciding
                in.lost();
            }
        });
    }

    /** Why the policy refuses an offer at once, or null; the disk has its say in {@link Downloads#claim}. */
    private String refusal(Frame.FileOffer offer) {
        if (policy.refusesAll()) {
            return policy.refusalReason();
        }
        if (offer.size() > policy.maxFileSize()) {
            return "too large: " + Sizes.human(offer.size()) + " is over the limit of " + Sizes.human(policy.maxFileSize());
        }
        if (incoming.size() >= policy.maxConcurrent()) {
            return "too many files at once (at most " + policy.maxConcurrent() + ")";
        }
        return null;
    }

    /** On the executor: resume what we have of this file, or start it, and say so. */
    private void accept(Incoming in) {
        Transfer transfer = in.transfer;
        try {
            try {
                in.claim.reserve();
            } catch (Downloads.Refused e) {
                reject(in, e.getMessage(), e.forPeer());
                return;
            }
            in.digest = Transfers.sha256();
            in.channel = in.claim.open(transfer.size());
            long have = in.channel.position();
            String prefix = null;
            if (have > 0) {
                Transfers.hash(in.channel, have, in.digest, new byte[Transfers.CHUNK]);
                prefix = Transfers.hexSoFar(in.digest);
            }
            in.received = have;
            transfer.start(have);
            if (!in.state.compareAndSet(State.DECIDING, State.RECEIVING)) {
                in.close(); // settled while we opened the partial: the session ended or the sender cancelled
                return;
            }
            events.started(transfer);
            link.send(new Frame.FileAccept(transfer.id(), have, prefix));
        } catch (IOException e) {
            reject(in, "the receiver cannot write the file: " + Transfers.peerReason(e));
        }
    }

    private void reject(Incoming in, String why) {
        reject(in, why, why);
    }

    /** Refuses a file: {@code why} for our user, {@code forPeer} for the sender. */
    private void reject(Incoming in, String why, String forPeer) {
        State before = in.finish(false, "refused '" + in.transfer.name() + "': " + why, null, null);
        if (before == null) {
            return; // settled meanwhile (the session ended, the sender cancelled): nothing to tell
        }
        if (before == State.RECEIVING) {
            cancelled.add(in.transfer.id()); // data the sender already sent for it is dropped, not an error
        } else {
            refusedInARow.incrementAndGet(); // declined, or the partial could not be opened
        }
        try {
            link.send(new Frame.FileReject(in.transfer.id(), forPeer));
        } catch (IOException ignored) {
            // the connection is gone; nothing to tell
        }
    }

    private Incoming receiving(long id, String frame) throws ProtocolException {
        Incoming in = incoming.get(id);
        if (in == null) {
            if (cancelled.contains(id)) {
                return null;
            }
            throw new ProtocolException(frame + " for unknown file id " + id);
        }
        State state = in.state.get();
        if (state == State.ENDED) {
            throw new ProtocolException(frame + " after FILE_END for file id " + id);
        }
        if (state != State.RECEIVING) {
            throw new ProtocolException(frame + " before FILE_ACCEPT for file id " + id);
        }
        return in;
    }

    void onData(Frame.FileData data) throws ProtocolException {
        Incoming in = receiving(data.id(), "FILE_DATA");
        if (in == null) {
            return;
        }
        long size = in.transfer.size();
        if (in.received + data.length() > size) {
            throw new ProtocolException("more data than offered for file id " + data.id() + ": "
                    + (in.received + data.length()) + " > " + size + " bytes");
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap(data.buffer(), data.offset(), data.length());
            while (bytes.hasRemaining()) {
                in.channel.write(bytes);
            }
        } catch (IOException e) {
            // e.g. the disk is full: keep what was written (it resumes later) and tell the sender
            reject(in, "the receiver cannot write: " + Transfers.peerReason(e));
            return;
        }
        in.digest.update(data.buffer(), data.offset(), data.length());
        in.received += data.length();
        in.transfer.advance(data.length());
        events.progress(in.transfer);
    }

    /**
     * The file is complete: checked, synced and named on the executor, so that the reader goes on
     * with the next files meanwhile, and the syncs of several small files overlap (the disk
     * commits them together) instead of each holding the connection for a disk round trip.
     */
    void onEnd(Frame.FileEnd end) throws IOException {
        Incoming in = receiving(end.id(), "FILE_END");
        if (in == null) {
            return;
        }
        if (in.received != in.transfer.size()) {
            throw new ProtocolException("FILE_END for file id " + end.id() + " after " + in.received + " of "
                    + in.transfer.size() + " bytes");
        }
        if (!in.state.compareAndSet(State.RECEIVING, State.ENDED)) {
            return; // settled meanwhile: the session ended
        }
        try {
            executor.execute(() -> complete(in, end.sha256()));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            in.lost(); // the session is over
        }
    }

    /** On the executor: one sync, then the final name if the hashes match, then FILE_RESULT. */
    private void complete(Incoming in, String theirs) {
        long id = in.transfer.id();
        String ours = Transfers.hex(in.digest.digest());
        boolean ok = ours.equals(theirs);
        Path saved = null;
        String message;
        try {
            in.channel.force(false); // the bytes, before the name that says they are there
            in.close();
            if (ok && in.folder) {
                saved = in.claim.publishFolder(in.folders, in.offeredName);
                message = "folder made";
            } else if (ok) {
                saved = in.claim.publish(in.folders, in.offeredName, ours);
                message = "verified";
            } else {
                in.claim.discard();
                message = "corrupt: SHA-256 " + ours + " differs from the sender's " + theirs + "; discarded";
            }
        } catch (IOException e) {
            ok = false;
            message = "cannot save the file: " + Transfers.reason(e);
        }
        if (ok) {
            refusedInARow.set(0); // a file received in full starts the count of refusals again
        }
        // settled (no longer one of the offers in flight) before the sender hears of it, so that
        // the offer it sends next is not refused as one too many
        if (in.finish(ok, message, saved, ours) == null) {
            return; // the session ended meanwhile
        }
        try {
            link.send(new Frame.FileResult(id, ok, ours));
        } catch (IOException ignored) {
            // the connection is gone; the sender resends and finds the file already here
        }
    }

    /** The sender cancelled one of the files it offered us. */
    void onReject(Frame.FileReject reject) throws ProtocolException {
        Incoming in = incoming.get(reject.id());
        if (in != null && in.state.get() != State.ENDED) { // after FILE_END the verdict is on its way
            // a file given up after our FILE_ACCEPT, before any of its data: as good as refused
            // (else accept, cancel, offer again, for ever, would make us rehash its partial each time)
            if (in.received == in.transfer.offset() && in.state.get() == State.RECEIVING
                    && refusedInARow.incrementAndGet() > MAX_REFUSED_IN_A_ROW) {
                throw new ProtocolException("more than " + MAX_REFUSED_IN_A_ROW + " file offers refused in a row");
            }
            if (Transfers.PREFIX_MISMATCH.equals(reject.reason())) {
                in.close();
                in.claim.discard(); // not a prefix of the file: the new offer starts from 0
            }
            // the sender sends nothing more for it after its FILE_REJECT: no need to remember the id
            in.finish(false, link.peer() + " cancelled '" + in.transfer.name() + "': " + reject.reason(), null, null);
        }
    }

    void ended() {
        for (Incoming in : incoming.values()) {
            in.lost();
        }
    }

    boolean busy() {
        return !incoming.isEmpty();
    }
}
