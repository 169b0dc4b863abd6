#include "routing/job_routes.h"

namespace gw::routing {
namespace {

// The next segment of `path` after position `*pos` (which points at a '/'), advancing `*pos`.
bool NextSegment(std::string_view path, size_t* pos, std::string_view* segment) {
  if (*pos >= path.size() || path[*pos] != '/') return false;
  size_t start = *pos + 1;
  size_t end = path.find('/', start);
  if (end == std::string_view::npos) end = path.size();
  *segment = path.substr(start, end - start);
  *pos = end;
  return true;
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool MatchesWebview(std::string_view route, std::string_view rest) {
  if (!rest.starts_with(route)) return false;
  return rest.size() == route.size() || rest[route.size()] == '/';
}

MethodMask MethodsFrom(const std::vector<std::string>& names) {
  MethodMask mask = 0;
  for (auto m : {http::Method::kGet, http::Method::kHead, http::Method::kPost, http::Method::kPut,
                 http::Method::kDelete, http::Method::kPatch, http::Method::kOptions}) {
    for (const std::string& name : names) {
      if (name == http::MethodName(m)) mask |= Bit(m);
    }
  }
  return mask;
}

}  // namespace

std::vector<JobEndpoint> JobEndpointsFrom(
    const std::vector<forward::EndpointDescription>& described) {
  using Kind = forward::EndpointDescription::Kind;
  std::vector<JobEndpoint> out;
  for (const forward::EndpointDescription& d : described) {
    EndpointKind kind;
    switch (d.kind) {
      case Kind::kAuxiliary:
        kind = EndpointKind::kAuxiliary;
        break;
      case Kind::kStatic:
        kind = EndpointKind::kStatic;
        break;
      case Kind::kWebview:
        kind = EndpointKind::kWebview;
        break;
      default:
        continue;  // perform is built in; an unknown kind is not served
    }
    JobEndpoint e = JobRoutes::Make(d.path, kind, MethodsFrom(d.methods), d.path_template,
                                    !d.openapi_operation_json.empty());
    e.input_example_json = d.input_example_json;
    e.mimetype = d.mimetype;
    out.push_back(std::move(e));
  }
  return out;
}

bool MatchesTemplate(std::string_view pattern, std::string_view path) {
  size_t p = 0;
  size_t q = 0;
  std::string_view want;
  std::string_view got;
  while (NextSegment(pattern, &p, &want)) {
    if (!NextSegment(path, &q, &got)) return false;
    if (IsParameter(want) ? got.empty() : want != got) return false;
  }
  return q == path.size();
}

JobEndpoint JobRoutes::Make(std::string path, EndpointKind kind, MethodMask methods,
                            bool path_template, bool binds_parameters) {
  JobEndpoint e;
  e.route = std::string(kApiPrefix) + path;
  e.path = std::move(path);
  e.kind = kind;
  e.path_template = path_template;
  if (kind == EndpointKind::kWebview) methods = kAnyMethod;
  if ((methods & Bit(http::Method::kGet)) != 0) methods |= Bit(http::Method::kHead);
  e.methods = methods;
  e.allow = AllowHeader(methods);
  // Aux v1 (POST only, fixed path, the perform body rules) travels like perform; everything
  // else needs the request as it is: headers, query, any body.
  bool json_call =
      kind == EndpointKind::kAuxiliary && !path_template && !binds_parameters && methods == kPost;
  e.transport = json_call ? Transport::kJsonCall : Transport::kHttp;
  return e;
}

void JobRoutes::Set(std::vector<JobEndpoint> endpoints) { endpoints_ = std::move(endpoints); }

JobRouteMatch JobRoutes::Match(http::Method method, std::string_view rest) const {
  JobRouteMatch match;
  if (!rest.starts_with(kApiPrefix)) return match;
  for (const JobEndpoint& e : endpoints_) {
    bool found = false;
    switch (e.kind) {
      case EndpointKind::kWebview:
        found = MatchesWebview(e.route, rest);
        break;
      case EndpointKind::kStatic:
        found = e.route == rest;
        break;
      case EndpointKind::kAuxiliary:
        found = e.path_template ? MatchesTemplate(e.route, rest) : e.route == rest;
        break;
    }
    if (!found) continue;
    match.endpoint = &e;
    match.method_allowed = (e.methods & Bit(method)) != 0;
    return match;
  }
  return match;
}

}  // namespace gw::routing
