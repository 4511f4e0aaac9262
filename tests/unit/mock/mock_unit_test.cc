// Pure checks of the mock's building blocks: the directive grammar, fault names,
// sequence windows, tool-argument fragments and JSON escaping.
#include <gtest/gtest.h>

#include <string>

#include "mock/answer.h"
#include "mock/dialect.h"
#include "mock/fault_rules.h"
#include "mock/json_writer.h"
#include "mock/plan.h"

namespace rg::mock {
namespace {

TEST(Directives, SplitsBaseNameFromDirectiveList) {
    std::string_view base, list;
    split_directives("gpt-4o~tokens=50~delay=5", &base, &list);
    EXPECT_EQ(base, "gpt-4o");
    EXPECT_EQ(list, "tokens=50~delay=5");
    split_directives("gpt-4o", &base, &list);
    EXPECT_EQ(base, "gpt-4o");
    EXPECT_TRUE(list.empty());
}

TEST(Directives, AppliesKnobsAndFault) {
    Plan p;
    std::string_view bad;
    ASSERT_TRUE(apply_directives(
        "tokens=50~delay=5~first_delay=200~fault=429~retry_after=2~retry_after_ms=1500~after=3", &p,
        &bad));
    EXPECT_EQ(p.tokens, 50u);
    EXPECT_EQ(p.delay_ms, 5u);
    EXPECT_EQ(p.first_delay_ms, 200u);
    EXPECT_EQ(p.fault.kind, FaultKind::rate_limit);
    EXPECT_EQ(p.retry_after_s, 2u);
    EXPECT_EQ(p.retry_after_ms, 1500u);
    EXPECT_EQ(p.after, 3u);
}

TEST(Directives, BareWordIsAFaultName) {
    Plan p;
    std::string_view bad;
    ASSERT_TRUE(apply_directives("503~count=2", &p, &bad));
    EXPECT_EQ(p.fault.kind, FaultKind::status);
    EXPECT_EQ(p.fault.status, 503);
    EXPECT_EQ(p.count, 2u);
}

TEST(Directives, RejectsUnknownNamesAndBadValues) {
    Plan p;
    std::string_view bad;
    EXPECT_FALSE(apply_directives("tokens=5~colour=blue", &p, &bad));
    EXPECT_EQ(bad, "colour=blue");
    EXPECT_FALSE(apply_directives("tokens=-1", &p, &bad));
    EXPECT_FALSE(apply_directives("fault=teapot", &p, &bad));
    EXPECT_FALSE(apply_directives("fault=200", &p, &bad));
}

TEST(Directives, FaultAliasesMapToOneCanonicalName) {
    char buf[4];
    Fault f;
    ASSERT_TRUE(parse_fault("rate_limit", &f));
    EXPECT_EQ(fault_name(f, buf), "429");
    ASSERT_TRUE(parse_fault("insufficient_quota", &f));
    EXPECT_EQ(fault_name(f, buf), "quota");
    ASSERT_TRUE(parse_fault("529", &f));
    EXPECT_EQ(fault_name(f, buf), "overloaded");
    ASSERT_TRUE(parse_fault("502", &f));
    EXPECT_EQ(fault_name(f, buf), "502");
    ASSERT_TRUE(parse_fault("never", &f));
    EXPECT_EQ(fault_name(f, buf), "hang");
}

TEST(Directives, LaterSourcesOverrideEarlierOnes) {
    Plan key_plan, model_plan, merged;
    std::string_view bad;
    ASSERT_TRUE(apply_directives("fault=500~tokens=3", &key_plan, &bad));
    ASSERT_TRUE(apply_directives("tokens=9", &model_plan, &bad));
    merge_plan(&merged, key_plan);
    merge_plan(&merged, model_plan);
    EXPECT_EQ(merged.tokens, 9u);
    EXPECT_EQ(merged.fault.status, 500);
}

TEST(SequenceTable, CountWindowClosesAfterNRequests) {
    SequenceTable t;
    EXPECT_TRUE(t.take("k:a", 2, 0, 1));
    EXPECT_TRUE(t.take("k:a", 2, 0, 2));
    EXPECT_FALSE(t.take("k:a", 2, 0, 3));
    EXPECT_TRUE(t.take("k:b", 2, 0, 3));  // independent per directive text
    t.clear();
    EXPECT_TRUE(t.take("k:a", 2, 0, 4));
}

TEST(SequenceTable, TimeWindowStartsAtTheFirstRequest) {
    SequenceTable t;
    uint64_t ms = 1000000;
    EXPECT_TRUE(t.take("m:x", 0, 100, 5 * ms));
    EXPECT_TRUE(t.take("m:x", 0, 100, 104 * ms));
    EXPECT_FALSE(t.take("m:x", 0, 100, 105 * ms));
}

TEST(FaultRule, MatchesFullOrBaseNames) {
    FaultRule r;
    r.key = "k1";
    EXPECT_TRUE(r.matches("k1", "gpt", "openai"));
    EXPECT_TRUE(r.matches("k1~tokens=3", "gpt", "openai"));
    EXPECT_FALSE(r.matches("k2", "gpt", "openai"));
    r.format = "gemini";
    EXPECT_FALSE(r.matches("k1", "gpt", "openai"));
}

TEST(ArgsFragment, PiecesConcatenateToTheWholeOnUtf8Boundaries) {
    std::string args = "{\"city\":\"Z\xc3\xbcrich \xe2\x82\xac\"}";
    for (uint32_t units = 1; units <= args.size(); ++units) {
        std::string joined;
        for (uint32_t i = 0; i < units; ++i) {
            std::string_view piece = args_fragment(args, units, i);
            if (!piece.empty()) {
                EXPECT_NE(static_cast<unsigned char>(piece[0]) & 0xC0, 0x80) << units;
            }
            joined += piece;
        }
        EXPECT_EQ(joined, args) << units;
    }
}

TEST(Answer, CountsWhitespaceSeparatedWords) {
    EXPECT_EQ(count_words(""), 0u);
    EXPECT_EQ(count_words("  hello\tmock \n world  "), 3u);
    ByteBuffer b;
    append_answer_text(b, 3);
    EXPECT_EQ(b.view(), "tok1 tok2 tok3");
}

TEST(JsonWriter, EscapesControlCharactersAndQuotes) {
    ByteBuffer b;
    JsonWriter w(b);
    w.begin_object().kv("k\"", "a\nb\x01\\").key("n").num_signed(-5).key("f").fixed(-0.125, 3);
    w.end_object();
    EXPECT_EQ(b.view(), "{\"k\\\"\":\"a\\nb\\u0001\\\\\",\"n\":-5,\"f\":-0.125}");
}

}  // namespace
}  // namespace rg::mock
