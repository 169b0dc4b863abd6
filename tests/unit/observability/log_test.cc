// Unit tests of the log facade's two formats (spec §15.2, §15.3): the plain line with `, k=v`
// extras, and the structured JSON object with json.dumps' separators, full level names, a UTC
// microsecond timestamp and Python's ASCII-only escaping.
#include "observability/log.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <regex>
#include <string>

namespace gw::log {
namespace {

class ObservabilityLogTest : public ::testing::Test {
 protected:
  void TearDown() override { Init(Level::kInfo); }

  template <typename Fn>
  std::string Capture(bool structured, Fn fn) {
    Init(Level::kDebug, structured);
    ::testing::internal::CaptureStdout();
    fn();
    Flush();
    return ::testing::internal::GetCapturedStdout();
  }
};

TEST_F(ObservabilityLogTest, PlainLineWithExtras) {
  std::array<Extra, 2> extras = {{{"tracing_id", "t1"}, {"caller_name", "a b"}}};
  std::string out = Capture(false, [&] { Write(Level::kInfo, "hello", extras); });
  EXPECT_TRUE(std::regex_match(
      out,
      std::regex(
          R"(\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] INFO  hello, tracing_id=t1, caller_name="a b"\n)")))
      << out;
}

TEST_F(ObservabilityLogTest, StructuredLine) {
  std::array<Extra, 1> extras = {{{"tracing_id", "t1"}}};
  std::string out = Capture(true, [&] { Write(Level::kWarn, "careful", extras); });
  EXPECT_TRUE(std::regex_match(
      out, std::regex(R"(\{"time": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", "lvl": "WARNING", )"
                      R"("msg": "careful", "tracing_id": "t1"\}\n)")))
      << out;
}

TEST_F(ObservabilityLogTest, StructuredLevelNames) {
  std::string out = Capture(true, [] {
    Debug("d");
    Info("i");
    Error("e");
  });
  EXPECT_NE(out.find(R"("lvl": "DEBUG", "msg": "d"})"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("lvl": "INFO", "msg": "i"})"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("lvl": "ERROR", "msg": "e"})"), std::string::npos) << out;
}

TEST_F(ObservabilityLogTest, StructuredEscapingAsJsonDumps) {
  std::string out = Capture(true, [] { Info("a\"b\\c\nd\x01 \xc3\xa9 \xf0\x9f\x98\x80 \xff"); });
  EXPECT_NE(out.find(R"("msg": "a\"b\\c\nd\u0001 \u00e9 \ud83d\ude00 \ufffd"})"), std::string::npos)
      << out;
}

TEST(ObservabilityLogFlagTest, EnvFlagWords) {
  for (const char* yes : {"true", "TRUE", "t", "Yes", "y", "1"}) {
    setenv("RT_TEST_FLAG", yes, 1);
    EXPECT_TRUE(EnvFlag("RT_TEST_FLAG")) << yes;
  }
  for (const char* no : {"false", "0", "", "on", "2"}) {
    setenv("RT_TEST_FLAG", no, 1);
    EXPECT_FALSE(EnvFlag("RT_TEST_FLAG")) << no;
  }
  unsetenv("RT_TEST_FLAG");
  EXPECT_FALSE(EnvFlag("RT_TEST_FLAG"));
}

}  // namespace
}  // namespace gw::log
