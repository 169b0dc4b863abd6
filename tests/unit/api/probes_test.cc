// Unit tests of Probes: the exact bodies and statuses of /live, /ready and /health (spec §6.1)
// while loading, once ready, and after an init failure. DeploymentInfo is built directly so the
// tests do not depend on the environment.
#include "api/probes.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::api {
namespace {

DeploymentInfo FullInfo() {
  DeploymentInfo info;
  info.job_name_env = "adder";
  info.job_version = "1.2.3";
  info.git_version = "abc123";
  info.deployed_by_racetrack_version = "2.30.0";
  info.deployment_timestamp = "1700000000";
  info.job_type_version = "3.0.0";
  return info;
}

TEST(ApiProbesTest, LoadingWithNoEnvironment) {
  Probes probes{DeploymentInfo{}};
  EXPECT_TRUE(probes.live());
  EXPECT_FALSE(probes.ready());

  ProbeAnswer live = probes.Live();
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(live.body, R"({"live":true,"deployment_timestamp":null})");

  ProbeAnswer ready = probes.Ready();
  EXPECT_EQ(ready.status, 500);
  EXPECT_EQ(ready.body, R"({"ready":false})");

  ProbeAnswer health = probes.Health();
  EXPECT_EQ(health.status, 500);
  EXPECT_EQ(health.body,
            R"({"service":"job","job_name":"","live":true,"ready":false,"status":"fail",)"
            R"("error":null,"job_version":null,"git_version":null,)"
            R"("deployed_by_racetrack_version":null,"deployment_timestamp":null,)"
            R"("job_type_version":null})");
}

TEST(ApiProbesTest, LoadingEchoesEnvironmentValuesAsStrings) {
  Probes probes(FullInfo());
  EXPECT_EQ(probes.Live().body, R"({"live":true,"deployment_timestamp":"1700000000"})");
  EXPECT_EQ(probes.Health().body,
            R"({"service":"job","job_name":"adder","live":true,"ready":false,"status":"fail",)"
            R"("error":null,"job_version":"1.2.3","git_version":"abc123",)"
            R"("deployed_by_racetrack_version":"2.30.0","deployment_timestamp":"1700000000",)"
            R"("job_type_version":"3.0.0"})");
}

TEST(ApiProbesTest, Ready) {
  Probes probes(FullInfo());
  probes.SetJobName("adder-resolved");
  probes.SetReady(true);
  EXPECT_TRUE(probes.ready());

  EXPECT_EQ(probes.Live().status, 200);
  EXPECT_EQ(probes.Live().body, R"({"live":true,"deployment_timestamp":"1700000000"})");
  EXPECT_EQ(probes.Ready().status, 200);
  EXPECT_EQ(probes.Ready().body, R"({"ready":true})");
  EXPECT_EQ(probes.Health().status, 200);
  EXPECT_EQ(probes.Health().body,
            R"({"service":"job","job_name":"adder-resolved","live":true,"ready":true,)"
            R"("status":"pass","error":null,"job_version":"1.2.3","git_version":"abc123",)"
            R"("deployed_by_racetrack_version":"2.30.0","deployment_timestamp":"1700000000",)"
            R"("job_type_version":"3.0.0"})");
}

TEST(ApiProbesTest, ReadyAgainChangesNothing) {
  Probes probes(FullInfo());
  probes.SetReady(true);
  std::string before = probes.Health().body;
  probes.SetReady(true);
  EXPECT_EQ(probes.Health().body, before);
  probes.SetReady(false);
  EXPECT_EQ(probes.Ready().status, 500);
  EXPECT_EQ(probes.Ready().body, R"({"ready":false})");
}

TEST(ApiProbesTest, InitFailed) {
  DeploymentInfo info;
  info.job_name_env = "adder";
  info.deployment_timestamp = "42";
  Probes probes(info);
  probes.SetInitError("model file is missing, cause=RuntimeError, traceback=/job.py:3");
  EXPECT_FALSE(probes.live());
  EXPECT_FALSE(probes.ready());

  EXPECT_EQ(probes.Live().status, 500);
  EXPECT_EQ(probes.Live().body,
            R"({"live":false,"deployment_timestamp":"42",)"
            R"("error":"model file is missing, cause=RuntimeError, traceback=/job.py:3"})");
  EXPECT_EQ(probes.Ready().status, 500);
  EXPECT_EQ(probes.Ready().body, R"({"ready":false})");
  EXPECT_EQ(probes.Health().status, 500);
  EXPECT_EQ(probes.Health().body,
            R"({"service":"job","job_name":"adder","live":false,"ready":false,"status":"fail",)"
            R"("error":"model file is missing, cause=RuntimeError, traceback=/job.py:3",)"
            R"("job_version":null,"git_version":null,"deployed_by_racetrack_version":null,)"
            R"("deployment_timestamp":"42","job_type_version":null})");
}

TEST(ApiProbesTest, ErrorTextIsJsonEscaped) {
  Probes probes{DeploymentInfo{}};
  probes.SetInitError("bad \"quote\" \\ and\nnewline\ttab\x01");
  EXPECT_EQ(probes.Live().body, R"({"live":false,"deployment_timestamp":null,)"
                                R"("error":"bad \"quote\" \\ and\nnewline\ttab\u0001"})");
  EXPECT_NE(probes.Health().body.find(R"("error":"bad \"quote\" \\ and\nnewline\ttab\u0001")"),
            std::string::npos);
}

TEST(ApiProbesTest, EnvironmentValuesAreJsonEscaped) {
  DeploymentInfo info;
  info.job_name_env = "a\"b";
  info.job_version = "v\\1";
  Probes probes(info);
  EXPECT_NE(probes.Health().body.find(R"("job_name":"a\"b")"), std::string::npos);
  EXPECT_NE(probes.Health().body.find(R"("job_version":"v\\1")"), std::string::npos);
}

TEST(ApiProbesTest, ClearingTheErrorMakesItLiveAgain) {
  Probes probes{DeploymentInfo{}};
  probes.SetInitError("boom");
  probes.SetInitError(std::nullopt);
  EXPECT_TRUE(probes.live());
  EXPECT_EQ(probes.Live().status, 200);
  EXPECT_EQ(probes.Live().body, R"({"live":true,"deployment_timestamp":null})");
}

TEST(ApiProbesTest, FromEnvironment) {
  setenv("JOB_NAME", "env-job", 1);
  unsetenv("JOB_VERSION");
  setenv("JOB_DEPLOYMENT_TIMESTAMP", "123", 1);
  DeploymentInfo info = DeploymentInfo::FromEnvironment();
  unsetenv("JOB_NAME");
  unsetenv("JOB_DEPLOYMENT_TIMESTAMP");
  EXPECT_EQ(info.job_name_env, "env-job");
  EXPECT_EQ(info.job_version, std::nullopt);
  EXPECT_EQ(info.deployment_timestamp, "123");
}

// A wedged worker fails /live with the reason, and passes again once cleared; a notice (an
// unreachable worker) only shows in /health's error and leaves /live alone.
TEST(ApiProbesTest, FaultFailsLiveNoticeOnlyShowsInHealth) {
  Probes probes{DeploymentInfo{}};
  probes.SetReady(true);
  probes.SetFault("the worker is wedged");
  EXPECT_FALSE(probes.live());
  EXPECT_EQ(probes.Live().status, 500);
  EXPECT_EQ(probes.Live().body,
            R"({"live":false,"deployment_timestamp":null,"error":"the worker is wedged"})");
  EXPECT_NE(probes.Health().body.find(R"("error":"the worker is wedged")"), std::string::npos);
  probes.SetFault(std::nullopt);
  EXPECT_EQ(probes.Live().status, 200);

  probes.SetReady(false);
  probes.SetNotice("cannot reach the worker at unix:/x: Permission denied");
  EXPECT_EQ(probes.Live().status, 200);
  EXPECT_EQ(probes.Live().body, R"({"live":true,"deployment_timestamp":null})");
  EXPECT_NE(probes.Health().body.find(R"("error":"cannot reach the worker at unix:/x)"),
            std::string::npos)
      << probes.Health().body;
  probes.SetNotice(std::nullopt);
  EXPECT_NE(probes.Health().body.find(R"("error":null)"), std::string::npos);
}

}  // namespace
}  // namespace gw::api
