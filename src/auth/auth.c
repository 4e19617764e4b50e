/* auth.c: password hashing and tokens over libsodium. */
#include "auth/auth.h"

#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "util/str.h"

const char *
auth_password_check(const char *pw, size_t len)
{
	const char *why;

	if (len > AUTH_PASSWORD_MAX)
		return "is longer than 1024 bytes";
	if ((why = text_check(pw, len, false)) != NULL)
		return why;
	if (utf8_len(pw, len) < AUTH_PASSWORD_MIN)
		return "is shorter than 10 characters";
	return NULL;
}

bool
auth_password_hash(const char *pw, size_t len, char out[AUTH_HASH_MAX])
{
	return crypto_pwhash_str(out, pw, len,
		   crypto_pwhash_OPSLIMIT_INTERACTIVE,
		   crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

static char	      dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
	if (crypto_pwhash_str(dummy, "not a password", 14,
		crypto_pwhash_OPSLIMIT_INTERACTIVE,
		crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy[0] = '\0';
}

bool
auth_password_verify(const char *hash, const char *pw, size_t len)
{
	if (hash == NULL || *hash == '\0') {
		/* Burn the same time as a real check, so response times
		 * do not reveal whether the account exists. */
		pthread_once(&dummy_once, dummy_init);
		if (crypto_pwhash_str_verify(dummy, pw, len) == 0)
			return false;
		return false;
	}
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

void
auth_token_new(char out[AUTH_TOKEN_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, "gz_", 3);
	sodium_bin2base64(out + 3, AUTH_TOKEN_LEN + 1 - 3, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void
auth_token_digest(const char *token, size_t len, char out[AUTH_DIGEST_LEN + 1])
{
	unsigned char d[32];

	crypto_generichash(d, sizeof(d), (const unsigned char *)token, len,
	    NULL, 0);
	sodium_bin2hex(out, AUTH_DIGEST_LEN + 1, d, sizeof(d));
}

bool
auth_equal(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

bool
auth_name_valid(const char *name, size_t n)
{
	size_t i;

	if (n == 0 || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
			(name[i] >= 'A' && name[i] <= 'Z') ||
			(name[i] >= '0' && name[i] <= '9') || name[i] == '-' ||
			name[i] == '_' || name[i] == '.'))
			return false;
	return true;
}
