import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;

/**
 * Benchmark helper (not part of Bastion): makes an IdP key, writes its JWKS to DIR/keys, and prints a JWT
 * signed with it for issuer ISSUER, audience bastion-api, org acme, valid for two hours.
 *
 *   java -cp target/bastion.jar bench/tools/MintToken.java DIR ISSUER [RS256|ES256]
 */
public class MintToken {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String issuer = args[1];
        String alg = args.length > 2 ? args[2] : "RS256";
        JWK key = "ES256".equals(alg) ? new ECKeyGenerator(Curve.P_256).keyID("bench-1").generate()
                : new RSAKeyGenerator(2048).keyID("bench-1").generate();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("keys"), new JWKSet(key.toPublicJWK()).toString(true));
        long now = System.currentTimeMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject("bench-user").audience("bastion-api")
                .issueTime(new Date(now)).expirationTime(new Date(now + 7_200_000)).claim("org_id", "acme").claim("scope", "invoke").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.parse(alg)).keyID("bench-1").type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(key instanceof RSAKey r ? new RSASSASigner(r) : new ECDSASigner((ECKey) key));
        System.out.println(jwt.serialize());
    }
}
