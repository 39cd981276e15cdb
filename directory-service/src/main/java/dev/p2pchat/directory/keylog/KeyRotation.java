package dev.p2pchat.directory.keylog;

import dev.p2pchat.directory.account.AccountRepository;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A new identity key signed by the old one: the old self-signed certificate must carry the
 * account's current key (its SubjectPublicKeyInfo SHA-256 is the current fingerprint) and its
 * key must have signed, with SHA256withECDSA, the UTF-8 text
 * {@code "p2pchat-key-rotation/1\n" + username + "\n" + previous + "\n" + fingerprint + "\n"}.
 * Anyone can check the resulting {@code rotation} entry from the entry alone.
 */
@Service
public class KeyRotation {

    private final KeyLog log;
    private final AccountRepository accounts;
    private final TransactionTemplate transactions;

    KeyRotation(KeyLog log, AccountRepository accounts, TransactionTemplate transactions) {
        this.log = log;
        this.accounts = accounts;
        this.transactions = transactions;
    }

    /** The text the old key signs. */
    static byte[] signedText(String usernameKey, String previous, String fingerprint) {
        return ("p2pchat-key-rotation/1\n" + usernameKey + "\n" + previous + "\n" + fingerprint + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Rotates the account's key to {@code fingerprint} and returns the {@code rotation} entry,
     * committed; afterwards a login must present the new key (the old one would be a reset).
     * {@link KeyUnchangedException} when {@code fingerprint} is the current key,
     * {@link InvalidRotationException} when the account has no key yet, the certificate is not
     * the current key's, or the signature does not verify.
     */
    public LogEntry rotate(long accountId, String usernameKey, String fingerprint, String certificate,
                           String signature) {
        String current = log.latest(usernameKey).map(LogEntry::fingerprint).orElseThrow(() ->
                new InvalidRotationException("the account has no key to rotate from yet; log in with one first"));
        if (current.equals(fingerprint)) {
            throw new KeyUnchangedException();
        }
        verify(usernameKey, current, fingerprint, certificate, signature);
        LogEntry entry = transactions.execute(status -> {
            // the account row first, then the log: the order a login takes them in
            accounts.updateFingerprint(accountId, fingerprint);
            return log.append(usernameKey, latest -> {
                if (latest.isEmpty() || !latest.get().fingerprint().equals(current)) {
                    throw new InvalidRotationException("the account's key changed while rotating; try again");
                }
                return new KeyLog.Draft(LogEntry.Kind.ROTATION, fingerprint, current, certificate, signature);
            }).orElseThrow();
        });
        return entry;
    }

    private static void verify(String usernameKey, String current, String fingerprint, String certificate,
                               String signature) {
        X509Certificate old;
        try {
            old = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(certificate)));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new InvalidRotationException("the certificate is not a base64 DER X.509 certificate");
        }
        PublicKey key = old.getPublicKey();
        String spki = HexFormat.of().formatHex(MerkleTree.sha256().digest(key.getEncoded()));
        if (!spki.equals(current)) {
            throw new InvalidRotationException("the certificate is not the account's current key");
        }
        if (!"EC".equals(key.getAlgorithm())) {
            throw new InvalidRotationException("the current key is not an EC key");
        }
        boolean valid;
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(key);
            ecdsa.update(signedText(usernameKey, current, fingerprint));
            valid = ecdsa.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            valid = false;
        }
        if (!valid) {
            throw new InvalidRotationException("the signature does not verify with the current key");
        }
    }
}
