// Unit tests of the manifest: the sources in the original's order (spec §4), the literal `\n`
// of JOB_MANIFEST_YAML, the fields the gateway uses, jobtype_extra_int's validation (§8) and the
// name/version/base URL resolution (§5.2).
#include "config/manifest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace gw::config {
namespace {

Manifest Parse(const std::string& yaml) {
  Manifest manifest;
  std::string error;
  EXPECT_TRUE(ParseManifest(yaml, &manifest, &error)) << error;
  return manifest;
}

std::string ParseError(const std::string& yaml) {
  Manifest manifest;
  std::string error;
  EXPECT_FALSE(ParseManifest(yaml, &manifest, &error)) << yaml;
  return error;
}

TEST(ConfigManifestTest, EmptyAndNullAreEmptyManifests) {
  for (const char* yaml : {"", "null", "~", "# only a comment\n"}) {
    Manifest m = Parse(yaml);
    EXPECT_EQ(m.name, "") << yaml;
    EXPECT_FALSE(m.max_concurrency) << yaml;
    EXPECT_EQ(m.home_page, "/docs") << yaml;
  }
}

TEST(ConfigManifestTest, Fields) {
  Manifest m = Parse(
      "name: primer\nversion: 0.0.1\njobtype_extra:\n  max_concurrency: 2\n"
      "  max_concurrency_queue: '5'\n  home_page: /api/v1/webview\n");
  EXPECT_EQ(m.name, "primer");
  EXPECT_EQ(m.version, "0.0.1");
  EXPECT_EQ(m.max_concurrency, 2u);
  EXPECT_EQ(m.max_concurrency_queue, 5u);
  EXPECT_EQ(m.home_page, "/api/v1/webview");
}

TEST(ConfigManifestTest, VersionsPrintAsPythonDoes) {
  EXPECT_EQ(Parse("version: 1.10").version, "1.1");
  EXPECT_EQ(Parse("version: 2").version, "2");
  EXPECT_EQ(Parse("version: '1.10'").version, "1.10");
  EXPECT_EQ(Parse("version: 3.0").version, "3.0");
}

TEST(ConfigManifestTest, MissingOrNullLimitsAreNone) {
  Manifest m = Parse("jobtype_extra:\n  max_concurrency: null\n");
  EXPECT_FALSE(m.max_concurrency);
  EXPECT_FALSE(m.max_concurrency_queue);
  EXPECT_FALSE(Parse("jobtype_extra:\n").max_concurrency);
  EXPECT_EQ(Parse("jobtype_extra:\n  max_concurrency: 0\n").max_concurrency, 0u);
}

TEST(ConfigManifestTest, NonDigitLimitsAreInitErrors) {
  EXPECT_EQ(ParseError("jobtype_extra:\n  max_concurrency: -1\n"),
            "Expected integer in max_concurrency, but got: -1");
  EXPECT_EQ(ParseError("jobtype_extra:\n  max_concurrency: 1.5\n"),
            "Expected integer in max_concurrency, but got: 1.5");
  EXPECT_EQ(ParseError("jobtype_extra:\n  max_concurrency_queue: many\n"),
            "Expected integer in max_concurrency_queue, but got: many");
  EXPECT_EQ(ParseError("jobtype_extra:\n  max_concurrency: true\n"),
            "Expected integer in max_concurrency, but got: True");
}

TEST(ConfigManifestTest, BadYamlIsAReadError) {
  EXPECT_TRUE(ParseError("name: [unclosed\n").starts_with("reading job manifest: "));
  EXPECT_TRUE(ParseError("- a list\n").starts_with("reading job manifest: "));
}

TEST(ConfigManifestTest, UnescapeNewlines) {
  EXPECT_EQ(UnescapeNewlines(R"(name: a\nversion: b)"), "name: a\nversion: b");
  EXPECT_EQ(UnescapeNewlines(R"(a\\nb)"), "a\\\nb");
  EXPECT_EQ(UnescapeNewlines(R"(trailing\)"), R"(trailing\)");
}

TEST(ConfigManifestTest, IdentityResolution) {
  Manifest m;
  EXPECT_EQ(ResolveJobIdentity(m, "", "").base_url, "/pub/job/JOB_NAME/JOB_VERSION");
  m.name = "primer";
  m.version = "0.0.1";
  JobIdentity id = ResolveJobIdentity(m, "", "");
  EXPECT_EQ(id.name, "primer");
  EXPECT_EQ(id.base_url, "/pub/job/primer/0.0.1");
  id = ResolveJobIdentity(m, "envname", "9");
  EXPECT_EQ(id.name, "envname");
  EXPECT_EQ(id.version, "9");
  EXPECT_EQ(id.base_url, "/pub/job/envname/9");
}

// The sources, in a private working directory.
class ConfigManifestSourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    old_cwd_ = std::filesystem::current_path();
    dir_ = std::filesystem::temp_directory_path() / ("manifest_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::filesystem::current_path(dir_);
    unsetenv("JOB_MANIFEST_YAML");
  }
  void TearDown() override {
    std::filesystem::current_path(old_cwd_);
    std::filesystem::remove_all(dir_);
    unsetenv("JOB_MANIFEST_YAML");
  }
  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }
  std::filesystem::path old_cwd_;
  std::filesystem::path dir_;
};

TEST_F(ConfigManifestSourcesTest, NoneAtAll) {
  ManifestLoad load = LoadManifest("");
  EXPECT_EQ(load.source, ManifestSource::kNone);
  EXPECT_FALSE(load.error);
}

TEST_F(ConfigManifestSourcesTest, Order) {
  Write("job.yaml", "name: local\n");
  EXPECT_EQ(LoadManifest("").manifest.name, "local");
  setenv("JOB_MANIFEST_YAML", R"(name: env\njobtype_extra:\n  max_concurrency: 3)", 1);
  ManifestLoad load = LoadManifest("");
  EXPECT_EQ(load.source, ManifestSource::kEnv);
  EXPECT_EQ(load.manifest.name, "env");
  EXPECT_EQ(load.manifest.max_concurrency, 3u);
  Write("explicit.yaml", "name: explicit\n");
  load = LoadManifest("explicit.yaml");
  EXPECT_EQ(load.source, ManifestSource::kPath);
  EXPECT_EQ(load.manifest.name, "explicit");
}

TEST_F(ConfigManifestSourcesTest, EmptyEnvIsSkipped) {
  setenv("JOB_MANIFEST_YAML", "", 1);
  Write("job.yaml", "");
  ManifestLoad load = LoadManifest("");
  EXPECT_EQ(load.source, ManifestSource::kLocalFile);
  EXPECT_FALSE(load.error);
}

TEST_F(ConfigManifestSourcesTest, MissingPathIsAnError) {
  ManifestLoad load = LoadManifest("missing.yaml");
  ASSERT_TRUE(load.error);
  EXPECT_EQ(*load.error,
            "reading job manifest: [Errno 2] No such file or directory: 'missing.yaml'");
}

}  // namespace
}  // namespace gw::config
