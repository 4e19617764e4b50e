/* auth.h: secrets: password hashes, session and API tokens, and the
 * sign-in rate limits.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str). Session
 * and API tokens are 256 random bits handed to the client once; the
 * database keeps only a BLAKE2b hash of them, which is enough for secrets
 * of that strength and cheap to check on every request. All comparisons of
 * secrets are constant-time. */
#ifndef GAZETTE_AUTH_H
#define GAZETTE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_PASSWORD_MIN 10   /* characters */
#define AUTH_PASSWORD_MAX 1024 /* bytes */
#define AUTH_HASH_MAX	  128  /* crypto_pwhash_STRBYTES */
#define AUTH_TOKEN_LEN	  46   /* "gz_" + 43 base64url characters */
#define AUTH_DIGEST_LEN	  64   /* hex of a 32-byte BLAKE2b digest */

/* Why password cannot be used, or NULL: too short, too long, not UTF-8,
 * control characters. */
const char *auth_password_check(const char *pw, size_t len);
/* argon2id hash into out[AUTH_HASH_MAX]; false when out of memory. */
bool auth_password_hash(const char *pw, size_t len, char out[AUTH_HASH_MAX]);
/* true when pw matches hash. Spends the same time for an unknown user when
 * given hash NULL, so a login does not tell which names exist. */
bool auth_password_verify(const char *hash, const char *pw, size_t len);
/* A new random token into out[AUTH_TOKEN_LEN + 1] (NUL-terminated),
 * prefixed "gz_" so leaked tokens can be recognised by secret scanners. */
void auth_token_new(char out[AUTH_TOKEN_LEN + 1]);
/* Hex BLAKE2b digest of a token into out[AUTH_DIGEST_LEN + 1]. */
void auth_token_digest(const char *token, size_t len,
    char out[AUTH_DIGEST_LEN + 1]);
/* Whether name may be a user name: 1 to 64 of A-Z a-z 0-9 - _ . */
bool auth_name_valid(const char *name, size_t len);
/* Constant-time equality of two NUL-terminated secrets. */
bool auth_equal(const char *a, const char *b);

/* Sign-in rate limits (ratelimit.c), in memory: after LOGIN_MAX_FAILS
 * failures in a row for one account name, or from one client address
 * (counted by http_limit_key(): an IPv6 /64 is one address), sign-in
 * is refused for LOGIN_LOCK_S seconds without checking the password. A success clears the account's count (not the address's:
 * one good account must not buy an address more guesses at others). */
#define LOGIN_MAX_FAILS 10
#define LOGIN_LOCK_S	900

/* Seconds until client or name may try again; 0 when they may now. */
int64_t login_limit_wait(const char *client, const char *name, int64_t now);
void	login_limit_fail(const char *client, const char *name, int64_t now);
void	login_limit_success(const char *name);

#endif
