// Locale-free ASCII helpers for protocol text (header names, tokens, media types).
#pragma once

#include <string_view>

namespace gw::http {

// True if `text` equals `lower` (already lower case) ignoring ASCII case.
inline bool EqualsIgnoringAsciiCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace gw::http
