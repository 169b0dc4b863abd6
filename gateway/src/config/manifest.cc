#include "config/manifest.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

#include "observability/log.h"

namespace gw::config {
namespace {

constexpr std::string_view kReadPrefix = "reading job manifest: ";

// A YAML value as Python's str() would print it after yaml.safe_load (plain scalars resolve to
// bool, int, float or None by the YAML 1.1 rules PyYAML uses; quoted scalars stay strings).
struct PyValue {
  std::string text;
  bool falsy = false;  // None, False, 0, 0.0, "": what Python's `or` skips
  bool null = false;
};

std::optional<PyValue> PlainScalarValue(const std::string& s) {
  static const std::regex kNull(R"(~|null|Null|NULL|)");
  static const std::regex kTrue(R"(yes|Yes|YES|true|True|TRUE|on|On|ON|y|Y)");
  static const std::regex kFalse(R"(no|No|NO|false|False|FALSE|off|Off|OFF|n|N)");
  static const std::regex kInt(R"([-+]?(0|[1-9][0-9_]*))");
  static const std::regex kFloat(R"([-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?)");
  if (std::regex_match(s, kNull)) return PyValue{"None", true, true};
  if (std::regex_match(s, kTrue)) return PyValue{"True", false, false};
  if (std::regex_match(s, kFalse)) return PyValue{"False", true, false};
  if (std::regex_match(s, kInt)) {
    std::string digits;
    for (char c : s) {
      if (c != '_' && c != '+') digits.push_back(c);
    }
    if (digits == "-0") digits = "0";
    return PyValue{digits, digits == "0", false};
  }
  if (std::regex_match(s, kFloat) && s != "." && s != "-." && s != "+.") {
    std::string clean;
    for (char c : s) {
      if (c != '_') clean.push_back(c);
    }
    double value = std::strtod(clean.c_str(), nullptr);
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    std::string text(buf, ec == std::errc() ? end : buf);
    if (text.find_first_of(".en") == std::string::npos) text += ".0";
    return PyValue{text, value == 0.0, false};
  }
  return std::nullopt;
}

PyValue PythonValue(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return PyValue{"None", true, true};
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (node.Tag() == "?") {  // plain (unquoted) scalar: resolve as PyYAML does
      if (auto resolved = PlainScalarValue(s)) return *resolved;
    }
    return PyValue{s, s.empty(), false};
  }
  YAML::Emitter out;
  out << YAML::Flow << node;
  return PyValue{out.c_str(), node.size() == 0, false};
}

// jobtype_extra_int (spec §8): missing or null → none; str(v).isdigit() → int; else an error.
bool ExtraInt(const YAML::Node& extra, const char* field, std::optional<uint32_t>* out,
              std::string* error) {
  const YAML::Node node = extra[field];
  PyValue value = PythonValue(node);
  if (value.null) return true;
  bool digits =
      !value.text.empty() && value.text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits) {
    *error = std::string("Expected integer in ") + field + ", but got: " + value.text;
    return false;
  }
  uint64_t parsed = 0;
  auto [end, ec] =
      std::from_chars(value.text.data(), value.text.data() + value.text.size(), parsed);
  if (ec != std::errc() || parsed > std::numeric_limits<uint32_t>::max()) {
    parsed = std::numeric_limits<uint32_t>::max();  // Python has no overflow: "as many as you like"
  }
  *out = static_cast<uint32_t>(parsed);
  return true;
}

bool ReadWholeFile(const std::string& path, std::string* text, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    *error = "[Errno " + std::to_string(err) + "] " + std::strerror(err) + ": '" + path + "'";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *text = buffer.str();
  return true;
}

bool IsRegularFile(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

std::string UnescapeNewlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
      out.push_back('\n');
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool ParseManifest(std::string_view yaml, Manifest* manifest, std::string* error) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    *error = std::string(kReadPrefix) + e.what();
    return false;
  }
  *manifest = Manifest{};
  if (!root.IsDefined() || root.IsNull()) return true;  // an empty manifest is {}
  if (!root.IsMap()) {
    *error = std::string(kReadPrefix) + "the manifest is not a mapping";
    return false;
  }
  try {
    PyValue name = PythonValue(root["name"]);
    PyValue version = PythonValue(root["version"]);
    if (!name.falsy) manifest->name = name.text;
    if (!version.falsy) manifest->version = version.text;
    const YAML::Node extra = root["jobtype_extra"];
    if (!extra.IsDefined() || extra.IsNull()) return true;
    if (!extra.IsMap()) {
      *error = "jobtype_extra is not a mapping";
      return false;
    }
    if (!ExtraInt(extra, "max_concurrency", &manifest->max_concurrency, error) ||
        !ExtraInt(extra, "max_concurrency_queue", &manifest->max_concurrency_queue, error)) {
      return false;
    }
    PyValue home = PythonValue(extra["home_page"]);
    if (!home.falsy) manifest->home_page = home.text;
  } catch (const YAML::Exception& e) {
    *error = std::string(kReadPrefix) + e.what();
    return false;
  }
  return true;
}

ManifestLoad LoadManifest(const std::string& manifest_path) {
  ManifestLoad load;
  std::string text;
  std::string error;
  if (!manifest_path.empty()) {
    load.source = ManifestSource::kPath;
    if (!ReadWholeFile(manifest_path, &text, &error)) {
      load.error = std::string(kReadPrefix) + error;
      return load;
    }
  } else if (const char* env = std::getenv(kManifestEnv.data()); env != nullptr && *env != '\0') {
    load.source = ManifestSource::kEnv;
    text = UnescapeNewlines(env);
  } else if (IsRegularFile(kLocalManifest.data())) {
    load.source = ManifestSource::kLocalFile;
    if (!ReadWholeFile(std::string(kLocalManifest), &text, &error)) {
      load.error = std::string(kReadPrefix) + error;
      return load;
    }
  } else {
    log::Warn("manifest yaml not found in JOB_MANIFEST_YAML env var");
    return load;
  }
  if (!ParseManifest(text, &load.manifest, &error)) load.error = error;
  return load;
}

JobIdentity ResolveJobIdentity(const Manifest& manifest, std::string_view env_name,
                               std::string_view env_version) {
  JobIdentity id;
  id.name = !env_name.empty()        ? std::string(env_name)
            : !manifest.name.empty() ? manifest.name
                                     : std::string("JOB_NAME");
  id.version = !env_version.empty()        ? std::string(env_version)
               : !manifest.version.empty() ? manifest.version
                                           : std::string("JOB_VERSION");
  id.base_url = "/pub/job/" + id.name + "/" + id.version;
  return id;
}

}  // namespace gw::config
