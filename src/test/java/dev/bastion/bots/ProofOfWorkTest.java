package dev.bastion.bots;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The proof-of-work challenge on its own, with a clock the test moves: what an answer must be to pass. */
class ProofOfWorkTest {
    private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0.0.0";
    private final MovableClock clock = new MovableClock();
    private final ProofOfWork pow = new ProofOfWork(ChallengeTokens.generated(clock, Duration.ofMinutes(30)).mac(), clock, 12);

    /** What the page's script does, in Java: the first counter whose hash has the challenge's leading zero bits. */
    static String solve(String challenge, int bits) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (long n = 0; ; n++) {
            String answer = challenge + "." + n;
            if (ProofOfWork.leadingZeroBits(sha.digest(answer.getBytes(StandardCharsets.US_ASCII))) >= bits) return answer;
        }
    }

    /** A counter that does not solve it. */
    static String wrong(String challenge, int bits) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (long n = 0; ; n++) {
            String answer = challenge + "." + n;
            if (ProofOfWork.leadingZeroBits(sha.digest(answer.getBytes(StandardCharsets.US_ASCII))) < bits) return answer;
        }
    }

    @Test
    void aSolvedChallengePassesOnceAndOnlyOnce() throws Exception {
        String answer = solve(pow.issue("203.0.113.5", UA), 12);
        assertThat(pow.redeem(answer, "203.0.113.5", UA)).isEqualTo(ProofOfWork.Outcome.SOLVED);
        assertThat(pow.redeem(answer, "203.0.113.5", UA)).isEqualTo(ProofOfWork.Outcome.REPLAYED);
    }

    @Test
    void aWrongCounterDoesNotSolveItAndDoesNotUseItUp() throws Exception {
        String challenge = pow.issue("203.0.113.5", UA);
        assertThat(pow.redeem(wrong(challenge, 12), "203.0.113.5", UA)).isEqualTo(ProofOfWork.Outcome.UNSOLVED);
        assertThat(pow.redeem(solve(challenge, 12), "203.0.113.5", UA)).isEqualTo(ProofOfWork.Outcome.SOLVED);
    }

    @Test
    void anAnswerAfterFiveMinutesHasExpired() throws Exception {
        String answer = solve(pow.issue("203.0.113.5", UA), 12);
        clock.advance(ProofOfWork.LIFE.plusSeconds(1));
        assertThat(pow.redeem(answer, "203.0.113.5", UA)).isEqualTo(ProofOfWork.Outcome.EXPIRED);
    }

    @Test
    void anAnswerFromAnotherAddressOrUserAgentOrWithAnEasierDifficultyIsForged() throws Exception {
        String challenge = pow.issue("203.0.113.5", UA);
        String answer = solve(challenge, 12);
        assertThat(pow.redeem(answer, "203.0.113.6", UA)).isEqualTo(ProofOfWork.Outcome.FORGED);
        assertThat(pow.redeem(answer, "203.0.113.5", UA + " ")).isEqualTo(ProofOfWork.Outcome.FORGED);
        // the attack: the same challenge asking for 1 bit, solved at once
        String easier = challenge.replace(".12.", ".1.");
        assertThat(pow.redeem(solve(easier, 1), "203.0.113.5", UA)).isEqualTo(ProofOfWork.Outcome.FORGED);
        // another key's challenge
        ProofOfWork other = new ProofOfWork(ChallengeTokens.generated(clock, Duration.ofMinutes(30)).mac(), clock, 12);
        assertThat(pow.redeem(solve(other.issue("203.0.113.5", UA), 12), "203.0.113.5", UA)).isEqualTo(ProofOfWork.Outcome.FORGED);
        // the genuine answer still passes: the failures used nothing up
        assertThat(pow.redeem(answer, "203.0.113.5", UA)).isEqualTo(ProofOfWork.Outcome.SOLVED);
    }

    @Test
    void malformedAnswersAreRefusedBeforeAnyHash() {
        for (String bad : new String[] {"", "p1", "p1.a.b.c.d.e", "p2.AAAAAAAAAAAAAAAAAAAAAA.12.1.x.1", "x".repeat(400),
                "p1.AAAAAAAAAAAAAAAAAAAAAA.12.99999999999999.mac.1"}) {
            assertThat(pow.redeem(bad, "203.0.113.5", UA)).as(bad).isEqualTo(ProofOfWork.Outcome.MALFORMED);
        }
        assertThat(pow.redeem(null, "203.0.113.5", UA)).isEqualTo(ProofOfWork.Outcome.MALFORMED);
    }

    @Test
    void leadingZeroBitsCountsAcrossBytes() {
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {0, 0, (byte) 0x80})).isEqualTo(16);
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {0, 0x01})).isEqualTo(15);
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {(byte) 0xff})).isZero();
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {0, 0})).isEqualTo(16);
    }
}
