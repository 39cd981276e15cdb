package dev.p2pchat.peer.transport;

import dev.p2pchat.peer.identity.Fingerprints;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust for self-signed peer certificates: no CA, no chain, no host names. A peer certificate
 * must be alone, currently valid and signed by its own key; what makes it trusted is its
 * fingerprint, pinned by the dialer and checked against HELLO by the listener's session.
 */
final class PeerTrustManagers {

    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private PeerTrustManagers() {
    }

    /** Dialer side: only the server whose key has the expected fingerprint. */
    static final class Pinned extends Base {
        private final String expected;
        private volatile String presented;
        private volatile String failure;

        Pinned(String expectedFingerprint) {
            this.expected = expectedFingerprint;
        }

        /** The fingerprint the server presented when it was not the expected one, else null. */
        String mismatch() {
            String actual = presented;
            return actual != null && !actual.equals(expected) ? actual : null;
        }

        /** Why the server's certificate was refused, else null. */
        String failure() {
            return failure;
        }

        @Override
        void check(X509Certificate[] chain, boolean server) throws CertificateException {
            if (!server) {
                throw refuse("this trust manager checks servers only");
            }
            if (chain != null && chain.length > 0) {
                presented = Fingerprints.of(chain[0]);
                if (!expected.equals(presented)) {
                    throw refuse("the peer's fingerprint is " + presented + ", expected " + expected);
                }
            }
            checkSelfSigned(chain);
        }

        @Override
        CertificateException refuse(String reason) {
            failure = reason;
            return new CertificateException(reason);
        }
    }

    /** Listener side: any peer with a proper self-signed certificate; HELLO decides who it is. */
    static final class AnySelfSigned extends Base {
        @Override
        void check(X509Certificate[] chain, boolean server) throws CertificateException {
            if (server) {
                throw refuse("this trust manager checks clients only");
            }
            checkSelfSigned(chain);
        }
    }

    abstract static class Base extends X509ExtendedTrustManager {

        abstract void check(X509Certificate[] chain, boolean server) throws CertificateException;

        CertificateException refuse(String reason) {
            return new CertificateException(reason);
        }

        void checkSelfSigned(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length != 1) {
                throw refuse("the peer must present exactly one certificate, not "
                        + (chain == null ? 0 : chain.length));
            }
            X509Certificate certificate = chain[0];
            try {
                certificate.checkValidity();
            } catch (CertificateExpiredException e) {
                throw refuse("the peer's certificate expired on " + certificate.getNotAfter().toInstant());
            } catch (CertificateNotYetValidException e) {
                throw refuse("the peer's certificate is not valid before " + certificate.getNotBefore().toInstant()
                        + " (check the clocks)");
            }
            try {
                certificate.verify(certificate.getPublicKey());
            } catch (GeneralSecurityException e) {
                throw refuse("the peer's certificate is not self-signed");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, false);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, false);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, false);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, true);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, true);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, true);
        }

        /** Empty: the server asks for a client certificate without naming any CA. */
        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return NO_ISSUERS;
        }
    }
}
