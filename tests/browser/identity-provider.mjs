// A real OpenID Connect provider for the journeys (node-oidc-provider, certified by the
// OpenID Foundation), standing in for a provincial unified-identity platform: it signs
// people in on its own pages and vouches for their real name, resident id and phone.
import Provider from "oidc-provider";

/**
 * Starts the provider on `port` (host `localhost`, so its cookies are not the portal's)
 * with one client, Tongban, returning to `redirectUri`. `people` maps a login name to the
 * claims the provider vouches for. Returns the issuer, the client's credentials and `stop`.
 */
export async function startIdentityProvider({ port, redirectUri, people }) {
  const issuer = `http://localhost:${port}`;
  const client = { id: "tongban", secret: "journey-client-secret" };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.id,
        client_secret: client.secret,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: {
      openid: ["sub"],
      profile: ["name"],
      phone: ["phone_number"],
      realname: ["id_number"],
    },
    scopes: ["openid", "profile", "phone", "realname"],
    pkce: { required: () => true },
    cookies: { keys: ["journey-cookie-key"] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, sub) {
      const person = people[sub];
      if (!person) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...person }) };
    },
  });
  const server = provider.listen(port);
  await new Promise((done) => server.once("listening", done));
  return {
    issuer,
    client,
    stop: () => new Promise((done) => server.close(done)),
  };
}
