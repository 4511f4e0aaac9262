#include "limits/client_key_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "limits/limiter.h"
#include "limits_test_util.h"

namespace rg::limits {
namespace {

using test::hex;
using test::key_options;

std::shared_ptr<const ClientKeyTable> table_of(const std::vector<ClientKeyOptions>& keys,
                                               const ClientKeyTable* previous = nullptr) {
    return ClientKeyTable::build(keys, AuthOptions{true}, previous);
}

TEST(Digest, Sha256OfKnownInputMatchesTheStandardVector) {
    EXPECT_EQ(hex(sha256("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, ParsesHexInEitherCaseAndRejectsAnythingElse) {
    Digest d;
    const std::string lower = hex(sha256("k"));
    std::string upper = lower;
    for (char& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    ASSERT_TRUE(digest_from_hex(upper, &d));
    EXPECT_EQ(hex(d), lower);
    EXPECT_FALSE(digest_from_hex(lower.substr(1), &d));
    EXPECT_FALSE(digest_from_hex(lower + "0", &d));
    EXPECT_FALSE(digest_from_hex("g" + lower.substr(1), &d));
}

TEST(Digest, EqualityLooksAtEveryByte) {
    const Digest a = sha256("k");
    for (size_t i = 0; i < digest_bytes; ++i) {
        Digest b = a;
        b.bytes[i] ^= 1;
        EXPECT_FALSE(digests_equal(a, b)) << "byte " << i;
    }
    EXPECT_TRUE(digests_equal(a, sha256("k")));
}

TEST(ClientKeyTable, AuthenticatesEachKeyByItsText) {
    auto t =
        table_of({key_options("a", "sk-a"), key_options("b", "sk-b"), key_options("c", "sk-c")});
    ASSERT_EQ(t->size(), 3u);
    EXPECT_TRUE(t->auth_required());
    for (const char* name : {"a", "b", "c"}) {
        const ClientKey* k = t->authenticate(std::string("sk-") + name);
        ASSERT_NE(k, nullptr) << name;
        EXPECT_EQ(k->name(), name);
    }
    EXPECT_EQ(t->authenticate("sk-d"), nullptr);
    EXPECT_EQ(t->authenticate("sk-a "), nullptr);
    EXPECT_EQ(t->authenticate("SK-A"), nullptr);
    EXPECT_EQ(t->authenticate(""), nullptr);
}

TEST(ClientKeyTable, StoredDigestMustMatchInFullNotByPrefixOrSuffix) {
    // Stored digests that equal SHA-256("secret") except in one byte: first, middle, last.
    // The lookup hashes on the first bytes, so the last-byte case lands on the same probe
    // and only a full comparison rejects it.
    const Digest real = sha256("secret");
    for (size_t byte : {size_t{0}, size_t{16}, size_t{31}}) {
        Digest near = real;
        near.bytes[byte] ^= 0x80;
        ClientKeyOptions o;
        o.name = "near";
        o.key_sha256 = hex(near);
        auto t = table_of({o});
        EXPECT_EQ(t->authenticate("secret"), nullptr) << "byte " << byte;
        EXPECT_EQ(t->find_digest(near), &t->key(0));
    }
}

TEST(ClientKeyTable, FindsKeysAmongManyWithOpenAddressing) {
    std::vector<ClientKeyOptions> keys;
    for (int i = 0; i < 300; ++i) {
        keys.push_back(key_options("k" + std::to_string(i), "sk-" + std::to_string(i)));
    }
    auto t = table_of(keys);
    for (int i = 0; i < 300; ++i) {
        const ClientKey* k = t->authenticate("sk-" + std::to_string(i));
        ASSERT_NE(k, nullptr);
        EXPECT_EQ(k->name(), "k" + std::to_string(i));
        EXPECT_EQ(t->find_name("k" + std::to_string(i)), k);
    }
    EXPECT_EQ(t->authenticate("sk-300"), nullptr);
    EXPECT_EQ(t->find_name("k300"), nullptr);
}

TEST(ClientKeyTable, EmptyTableAuthenticatesNothing) {
    auto t = ClientKeyTable::build({}, AuthOptions{false}, nullptr);
    EXPECT_FALSE(t->auth_required());
    EXPECT_EQ(t->authenticate("anything"), nullptr);
}

TEST(ClientKeyTable, RebuildCarriesStateOverByNameOnly) {
    ClientKeyOptions a = key_options("a", "sk-a");
    a.quota.requests_per_day = 10;
    auto first = table_of({a, key_options("b", "sk-b")});
    const Limiter limiter;
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(limiter.admit(*first->authenticate("sk-a"), 1000, test::wall_noon, 0).ok);
    }
    // "a" keeps its name but has a new key text and limit; "b" is gone; "c" is new.
    ClientKeyOptions a2 = key_options("a", "sk-a2");
    a2.quota.requests_per_day = 4;
    auto second = table_of({key_options("c", "sk-c"), a2}, first.get());
    EXPECT_EQ(second->authenticate("sk-a"), nullptr);
    const ClientKey* k = second->authenticate("sk-a2");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(&k->state(), &first->find_name("a")->state());
    EXPECT_EQ(k->state().read_counters().admitted, 3u);
    EXPECT_TRUE(limiter.admit(*k, 1000, test::wall_noon, 0).ok);
    const Admission refused = limiter.admit(*k, 1000, test::wall_noon, 0);
    EXPECT_FALSE(refused.ok);
    EXPECT_EQ(refused.limit, LimitKind::requests_per_day);
    EXPECT_NE(&second->find_name("c")->state(), &first->find_name("b")->state());
    EXPECT_EQ(second->find_name("c")->state().read_counters().admitted, 0u);
}

TEST(ClientKeyTable, OldTableRequestsSettleIntoTheCarriedState) {
    auto first = table_of({key_options("a", "sk-a")});
    const Limiter limiter;
    const ClientKey& old_key = first->key(0);
    const Admission adm = limiter.admit(old_key, 1000, test::wall_noon, 10);
    auto second = table_of({key_options("a", "sk-a")}, first.get());
    first.reset();  // the old snapshot goes; a request holding its key would keep it alive
    Usage u;
    u.prompt_tokens = 7;
    limiter.settle(second->key(0), adm, u, nullptr, 2000, test::wall_noon);
    EXPECT_EQ(second->key(0).state().read_counters().settled, 1u);
    EXPECT_EQ(second->key(0).state().read_counters().admitted, 1u);
}

TEST(Authorize, RequiredAuthRefusesMissingAndUnknownKeys) {
    auto t = table_of({key_options("a", "sk-a")});
    Authorization r = authorize(*t, "sk-a");
    EXPECT_EQ(r.outcome, AuthOutcome::authenticated);
    EXPECT_EQ(r.key, &t->key(0));
    r = authorize(*t, "");
    EXPECT_EQ(r.outcome, AuthOutcome::refused);
    EXPECT_EQ(r.key, nullptr);
    EXPECT_EQ(authorize(*t, "sk-b").outcome, AuthOutcome::refused);
}

TEST(Authorize, OpenGatewayPassesNoKeyButStillChecksAPresentedOne) {
    auto t = ClientKeyTable::build({key_options("a", "sk-a")}, AuthOptions{false}, nullptr);
    EXPECT_EQ(authorize(*t, "").outcome, AuthOutcome::anonymous);
    EXPECT_EQ(authorize(*t, "sk-wrong").outcome, AuthOutcome::refused);
    EXPECT_EQ(authorize(*t, "sk-a").outcome, AuthOutcome::authenticated);
}

TEST(ModelAllowed, ExactNamesAndGlobs) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.allowed_models = {"gpt-4o", "claude-*", "gemini-?.5-pro"};
    auto t = table_of({o});
    const ClientKey& k = t->key(0);
    EXPECT_FALSE(k.allows_every_model());
    EXPECT_TRUE(model_allowed(k, "gpt-4o"));
    EXPECT_FALSE(model_allowed(k, "gpt-4o-mini"));
    EXPECT_TRUE(model_allowed(k, "claude-sonnet"));
    EXPECT_TRUE(model_allowed(k, "gemini-2.5-pro"));
    EXPECT_FALSE(model_allowed(k, "gemini-2.5-flash"));
    EXPECT_FALSE(model_allowed(k, ""));
}

TEST(ModelAllowed, StarAllowsEverything) {
    auto t = table_of({key_options("a", "sk-a")});  // allowed_models defaults to {"*"}
    EXPECT_TRUE(t->key(0).allows_every_model());
    EXPECT_TRUE(model_allowed(t->key(0), "anything-at-all"));
}

}  // namespace
}  // namespace rg::limits
