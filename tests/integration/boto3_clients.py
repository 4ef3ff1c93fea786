#!/usr/bin/env python3
"""boto3 (botocore's own parsers and paginators) against the fake AWS of `albc serve`.

Drives ELBv2 and EC2 directly, the way an SDK user would, and checks the shapes, the error codes
and the pagination that botocore reads. Usage: boto3_clients.py ALBC_BINARY SOURCE_DIR.
Exits 77 (skipped) when boto3 is not installed.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

try:
    import boto3
    import botocore.config
    import botocore.exceptions
except ImportError:
    print("SKIP: python3-boto3 is not installed", file=sys.stderr)
    sys.exit(77)


def start_serve(albc, source_dir, work):
    err = open(os.path.join(work, "serve.err"), "w+")
    out = open(os.path.join(work, "serve.out"), "w")
    process = subprocess.Popen(
        [albc, "serve", os.path.join(source_dir, "scenarios/seed-walkthrough.yaml"),
         "--kube-port", "0", "--aws-port", "0", "--kubeconfig", os.path.join(work, "kubeconfig")],
        stdout=out, stderr=err)
    for _ in range(100):
        err.seek(0)
        found = re.search(r"fake AWS \(ELBv2, EC2\) on http://127\.0\.0\.1:(\d+)", err.read())
        if found:
            return process, int(found.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    err.seek(0)
    process.kill()
    sys.exit("FAIL: albc serve did not start:\n" + err.read())


def ensure(condition, detail):
    # Not `assert`: python3 -O would drop the checks and the test would pass.
    if not condition:
        raise AssertionError(detail)


def expect_error(code, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except botocore.exceptions.ClientError as error:
        got = error.response["Error"]["Code"]
        ensure(got == code, f"expected {code}, got {got}: {error}")
        return error
    raise AssertionError(f"expected {code}, the call succeeded")


def check(port):
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="ap-northeast-2")
    config = botocore.config.Config(retries={"max_attempts": 1})
    endpoint = f"http://127.0.0.1:{port}"
    ec2 = session.client("ec2", endpoint_url=endpoint, config=config)
    elbv2 = session.client("elbv2", endpoint_url=endpoint, config=config)

    # EC2: the scenario's world, found by Name tags as the seed's Ingress names it.
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["bys-dev-vpc"]}])["Vpcs"]
    ensure(len(vpcs) == 1 and vpcs[0]["CidrBlock"] == "10.20.0.0/16", vpcs)
    vpc_id = vpcs[0]["VpcId"]
    subnets = ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                 {"Name": "tag:Name", "Values": ["bys-dev-sbn-az*-extelb"]}])["Subnets"]
    ensure(sorted(s["AvailabilityZone"] for s in subnets) == ["ap-northeast-2a", "ap-northeast-2c"],
           subnets)
    ensure(all(isinstance(s["AvailableIpAddressCount"], int) for s in subnets), subnets)
    subnet_ids = [s["SubnetId"] for s in subnets]
    expect_error("InvalidSubnetID.NotFound", ec2.describe_subnets, SubnetIds=["subnet-0000000000000000f"])
    expect_error("InvalidParameterValue", ec2.describe_subnets,
                 Filters=[{"Name": "no-such-filter", "Values": ["x"]}])

    group_id = ec2.create_security_group(GroupName="boto3-lb", Description="from boto3",
                                         VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group_id, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                                          "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    expect_error("InvalidPermission.Duplicate", ec2.authorize_security_group_ingress,
                 GroupId=group_id, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                                                   "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.create_tags(Resources=[group_id], Tags=[{"Key": "team", "Value": "edge"}])
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    ensure(group["IpPermissions"][0]["FromPort"] == 80, group)
    ensure({"Key": "team", "Value": "edge"} in group["Tags"], group)

    # ELBv2: a load balancer, a target group, a listener and a rule, as an SDK user makes them.
    lb = elbv2.create_load_balancer(Name="boto3-alb", Subnets=subnet_ids, SecurityGroups=[group_id],
                                    Scheme="internal", Type="application",
                                    Tags=[{"Key": "owner", "Value": "boto3"}])["LoadBalancers"][0]
    ensure(lb["Scheme"] == "internal" and lb["VpcId"] == vpc_id, lb)
    ensure(lb["DNSName"].startswith("internal-boto3-alb-"), lb["DNSName"])
    ensure(hasattr(lb["CreatedTime"], "year"), lb["CreatedTime"])  # botocore parsed the timestamp
    lb_arn = lb["LoadBalancerArn"]
    expect_error("DuplicateLoadBalancerName", elbv2.create_load_balancer, Name="boto3-alb",
                 Subnets=subnet_ids, Type="application")
    expect_error("LoadBalancerNotFound", elbv2.describe_load_balancers, Names=["no-such-lb"])

    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=lb_arn, Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "120"}])
    attributes = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(
        LoadBalancerArn=lb_arn)["Attributes"]}
    ensure(attributes["idle_timeout.timeout_seconds"] == "120", attributes)

    tg = elbv2.create_target_group(Name="boto3-tg", Protocol="HTTP", Port=8080, VpcId=vpc_id,
                                   TargetType="ip", HealthCheckPath="/healthz",
                                   Matcher={"HttpCode": "200-299"})["TargetGroups"][0]
    ensure(tg["HealthCheckPath"] == "/healthz" and tg["Matcher"]["HttpCode"] == "200-299", tg)
    tg_arn = tg["TargetGroupArn"]
    listener = elbv2.create_listener(
        LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}])["Listeners"][0]
    rule = elbv2.create_rule(
        ListenerArn=listener["ListenerArn"], Priority=10,
        Conditions=[{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}}],
        Actions=[{"Type": "fixed-response",
                  "FixedResponseConfig": {"StatusCode": "503", "ContentType": "text/plain"}}])["Rules"][0]
    ensure(rule["Priority"] == "10", rule)
    rules = elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
    ensure([r["Priority"] for r in rules] == ["10", "default"], rules)
    ensure(rules[1]["IsDefault"] is True, rules[1])
    expect_error("PriorityInUse", elbv2.create_rule, ListenerArn=listener["ListenerArn"], Priority=10,
                 Conditions=[{"Field": "host-header", "HostHeaderConfig": {"Values": ["a.example"]}}],
                 Actions=[{"Type": "forward", "TargetGroupArn": tg_arn}])
    attached = elbv2.describe_target_groups(TargetGroupArns=[tg_arn])["TargetGroups"][0]
    ensure(attached["LoadBalancerArns"] == [lb_arn], attached)

    # Targets: registered ones start in `initial` until their first health checks.
    elbv2.register_targets(TargetGroupArn=tg_arn, Targets=[{"Id": "10.20.1.10", "Port": 8080},
                                                           {"Id": "10.20.2.10"}])
    health = elbv2.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]
    ensure(sorted((h["Target"]["Id"], h["Target"]["Port"]) for h in health) == [
        ("10.20.1.10", 8080), ("10.20.2.10", 8080)], health)
    ensure({h["TargetHealth"]["State"] for h in health} == {"initial"}, health)
    elbv2.deregister_targets(TargetGroupArn=tg_arn, Targets=[{"Id": "10.20.2.10", "Port": 8080}])
    states = {h["Target"]["Id"]: h["TargetHealth"]["State"]
              for h in elbv2.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]}
    ensure(states.get("10.20.2.10") in (None, "draining"), states)

    # Tags across resource types, in one call.
    tags = elbv2.describe_tags(ResourceArns=[lb_arn, tg_arn])["TagDescriptions"]
    ensure({"Key": "owner", "Value": "boto3"} in tags[0]["Tags"], tags)
    elbv2.add_tags(ResourceArns=[tg_arn], Tags=[{"Key": "tier", "Value": "web"}])
    elbv2.remove_tags(ResourceArns=[lb_arn], TagKeys=["owner"])
    tags = {d["ResourceArn"]: d["Tags"] for d in elbv2.describe_tags(ResourceArns=[lb_arn, tg_arn])[
        "TagDescriptions"]}
    ensure(tags[lb_arn] == [] and {"Key": "tier", "Value": "web"} in tags[tg_arn], tags)

    # botocore's paginator follows NextMarker / Marker.
    for i in range(7):
        elbv2.create_target_group(Name=f"boto3-page-{i}", Protocol="HTTP", Port=80, VpcId=vpc_id)
    pages = list(elbv2.get_paginator("describe_target_groups").paginate(
        PaginationConfig={"PageSize": 3}))
    names = [g["TargetGroupName"] for page in pages for g in page["TargetGroups"]]
    ensure(len(pages) == 3 and len(names) == 8 and len(set(names)) == 8, (len(pages), names))

    # Deleting in dependency order, as AWS requires.
    expect_error("ResourceInUse", elbv2.delete_target_group, TargetGroupArn=tg_arn)
    elbv2.delete_load_balancer(LoadBalancerArn=lb_arn)
    elbv2.delete_target_group(TargetGroupArn=tg_arn)
    for name in names:
        if name.startswith("boto3-page-"):
            arn = elbv2.describe_target_groups(Names=[name])["TargetGroups"][0]["TargetGroupArn"]
            elbv2.delete_target_group(TargetGroupArn=arn)
    left = elbv2.describe_load_balancers()["LoadBalancers"]
    ensure(left == [], left)
    left = elbv2.describe_target_groups()["TargetGroups"]
    ensure(left == [], left)
    ec2.delete_security_group(GroupId=group_id)
    expect_error("InvalidGroup.NotFound", ec2.describe_security_groups, GroupIds=[group_id])


def main():
    albc, source_dir = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as work:
        process, port = start_serve(albc, source_dir, work)
        try:
            check(port)
        except AssertionError as failure:
            print(f"FAIL: {failure}", file=sys.stderr)
            with open(os.path.join(work, "serve.err")) as err:
                print("--- albc serve stderr:\n" + err.read(), file=sys.stderr)
            return 1
        finally:
            process.terminate()
            process.wait(timeout=10)
    print("PASS: boto3 against albc serve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
