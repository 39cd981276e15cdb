package dev.p2pchat.peer;

public final class P2pChat {
    public static void main(String[] args) {
        System.out.println("p2pchat");
    }
}
