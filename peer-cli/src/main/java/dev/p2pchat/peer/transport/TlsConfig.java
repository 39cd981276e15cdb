package dev.p2pchat.peer.transport;

import dev.p2pchat.peer.identity.Identity;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS for {@code p2pchat/1}: TLS 1.3 only, AES-GCM, ALPN {@code p2pchat/1}, and both sides
 * present their self-signed identity certificate. Built once per identity; every dial gets
 * its own client context pinned to the fingerprint it expects (which also means a dial never
 * resumes an earlier session and always sees the certificate).
 */
public final class TlsConfig {

    public static final String PROTOCOL = "TLSv1.3";
    /** The ALPN name of the protocol; also its name in the docs. */
    public static final String APPLICATION_PROTOCOL = "p2pchat/1";
    /**
     * In order of preference. AES-GCM has hardware support; ChaCha20-Poly1305 has no fast
     * path on Java 17, so it is not offered.
     */
    public static final List<String> CIPHER_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");

    private static final String KEY_ALIAS = "identity";

    private final Identity identity;
    private final KeyManager[] keyManagers;
    private final SSLContext serverContext;

    private TlsConfig(Identity identity, KeyManager[] keyManagers, SSLContext serverContext) {
        this.identity = identity;
        this.keyManagers = keyManagers;
        this.serverContext = serverContext;
    }

    public static TlsConfig create(Identity identity) {
        try {
            KeyManager[] keyManagers = keyManagers(identity);
            SSLContext server = SSLContext.getInstance(PROTOCOL);
            server.init(keyManagers, new TrustManager[] {new PeerTrustManagers.AnySelfSigned()}, null);
            return new TlsConfig(identity, keyManagers, server);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS 1.3 with this Java runtime: " + e.getMessage(), e);
        }
    }

    public Identity identity() {
        return identity;
    }

    SSLContext serverContext() {
        return serverContext;
    }

    /** A fresh context for one dial, trusting what {@code trust} trusts. */
    SSLContext clientContext(X509ExtendedTrustManager trust) {
        try {
            SSLContext client = SSLContext.getInstance(PROTOCOL);
            client.init(keyManagers, new TrustManager[] {trust}, null);
            return client;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS 1.3 with this Java runtime: " + e.getMessage(), e);
        }
    }

    static void configureClient(SSLSocket socket) {
        SSLParameters parameters = common(socket);
        parameters.setServerNames(List.of()); // no SNI: nothing to choose, and it would leak the host name
        parameters.setEndpointIdentificationAlgorithm(null); // a pinned key, not a host name
        socket.setSSLParameters(parameters);
    }

    static void configureServer(SSLSocket socket) {
        SSLParameters parameters = common(socket);
        parameters.setNeedClientAuth(true);
        parameters.setUseCipherSuitesOrder(true);
        socket.setSSLParameters(parameters);
    }

    private static SSLParameters common(SSLSocket socket) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        parameters.setCipherSuites(CIPHER_SUITES.toArray(String[]::new));
        parameters.setApplicationProtocols(new String[] {APPLICATION_PROTOCOL});
        return parameters;
    }

    /**
     * A key manager that always presents our identity. Built directly rather than through a
     * key store: an in-memory PKCS#12 store encrypts and decrypts the key with PBKDF2 on every
     * send, chat and listen, for nothing.
     */
    private static KeyManager[] keyManagers(Identity identity) {
        X509Certificate[] chain = {identity.certificate()};
        String keyType = identity.privateKey().getAlgorithm();
        return new KeyManager[] {new X509ExtendedKeyManager() {
            private String aliasFor(String... keyTypes) {
                for (String type : keyTypes) {
                    if (keyType.equals(type)) {
                        return KEY_ALIAS;
                    }
                }
                return null;
            }

            private String[] aliasesFor(String type) {
                return keyType.equals(type) ? new String[] {KEY_ALIAS} : null;
            }

            @Override
            public String[] getClientAliases(String type, Principal[] issuers) {
                return aliasesFor(type);
            }

            @Override
            public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
                return aliasFor(keyTypes);
            }

            @Override
            public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
                return aliasFor(keyTypes);
            }

            @Override
            public String[] getServerAliases(String type, Principal[] issuers) {
                return aliasesFor(type);
            }

            @Override
            public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
                return aliasFor(type);
            }

            @Override
            public String chooseEngineServerAlias(String type, Principal[] issuers, SSLEngine engine) {
                return aliasFor(type);
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return KEY_ALIAS.equals(alias) ? chain.clone() : null;
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return KEY_ALIAS.equals(alias) ? identity.privateKey() : null;
            }
        }};
    }
}
