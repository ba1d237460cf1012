/* libcrypto's digest functions prep calls (Output/Digest.swift), loaded on first use. */
#include "hidden_begin.h"
#include <openssl/evp.h>
#include "forward.h"

#define L PREP_LIB_CRYPTO
PREP_FORWARD(L, int, EVP_DigestFinal_ex, (EVP_MD_CTX *ctx, unsigned char *md, unsigned int *size), (ctx, md, size))
PREP_FORWARD(L, int, EVP_DigestInit_ex, (EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl), (ctx, type, impl))
PREP_FORWARD(L, int, EVP_DigestUpdate, (EVP_MD_CTX *ctx, const void *data, size_t count), (ctx, data, count))
PREP_FORWARD_VOID(L, EVP_MD_CTX_free, (EVP_MD_CTX *ctx), (ctx))
PREP_FORWARD(L, EVP_MD_CTX *, EVP_MD_CTX_new, (void), ())
PREP_FORWARD(L, const EVP_MD *, EVP_md5, (void), ())
PREP_FORWARD(L, const EVP_MD *, EVP_sha256, (void), ())
