package dev.p2pchat.peer.command;

import dev.p2pchat.peer.identity.Usernames;

/** A username typed on the command line, checked against the rule before anything is sent. */
final class UsernameArguments {

    private UsernameArguments() {
    }

    static String require(String username) {
        if (!Usernames.isValid(username)) {
            throw new CliException(ExitCode.USAGE, "invalid username '" + Text.printable(username, 64)
                    + "': " + Usernames.RULE);
        }
        return username;
    }
}
