package dev.p2pchat.directory.signal;

import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What travels on the {@link SignalBus} between instances: a message for the channels of user
 * {@code to} (lower-case key) that match: listening ones for a {@code connect}, else those on
 * which {@code attempt} is registered with {@code role} and peer {@code from}. {@code channel} is
 * the sending channel's id (a connect is never delivered back to it). A {@code close} envelope
 * carries the key of a revoked token in {@code attempt}.
 */
record Envelope(Kind kind, String to, String attempt, String role, String from, String channel,
                Map<String, Object> message) {

    enum Kind { CONNECT, FORWARD, OFFER, CLOSE }

    String toJson() {
        return Signal.JSON.writeValueAsString(this);
    }

    /** The envelope in a bus payload, or null when it is not one. */
    @SuppressWarnings("unchecked")
    static Envelope parse(String json) {
        try {
            JsonNode node = Signal.JSON.readTree(json);
            Kind kind = Kind.valueOf(node.get("kind").stringValue());
            Map<String, Object> message = node.get("message") == null || node.get("message").isNull() ? null
                    : Signal.JSON.convertValue(node.get("message"), Map.class);
            return new Envelope(kind, text(node, "to"), text(node, "attempt"), text(node, "role"), text(node, "from"),
                    text(node, "channel"), message);
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.stringValue();
    }
}
