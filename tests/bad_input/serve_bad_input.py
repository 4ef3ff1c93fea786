#!/usr/bin/env python3
"""The bad-input suite against a running `albc serve`: requests nobody should send.

Each case sends one bad request (or a crowd of bad connections), checks the answer (status, and
the error's code or message), then checks that the server still answers and that nothing was
written. At the end, SIGTERM must stop the server within a second. Standard library only.
Usage: serve_bad_input.py ALBC_BINARY SOURCE_DIR.
"""
import datetime
import hashlib
import hmac
import http.client
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

REGION = "ap-northeast-2"  # the seed walkthrough's


def ensure(condition, detail):
    # Not `assert`: python3 -O would drop the checks and the test would pass.
    if not condition:
        raise AssertionError(detail)


class Serve:
    def __init__(self, albc, source_dir, work):
        self.err = open(os.path.join(work, "serve.err"), "w+")
        self.out = open(os.path.join(work, "serve.out"), "w")
        self.process = subprocess.Popen(
            [albc, "serve", os.path.join(source_dir, "scenarios/seed-walkthrough.yaml"),
             "--kube-port", "0", "--aws-port", "0",
             "--kubeconfig", os.path.join(work, "kubeconfig")],
            stdout=self.out, stderr=self.err)
        for _ in range(100):
            text = self.stderr()
            kube = re.search(r"fake Kubernetes API on http://127\.0\.0\.1:(\d+)", text)
            aws = re.search(r"fake AWS \(ELBv2, EC2\) on http://127\.0\.0\.1:(\d+)", text)
            if kube and aws:
                self.kube_port, self.aws_port = int(kube.group(1)), int(aws.group(1))
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.process.kill()
        sys.exit("FAIL: albc serve did not start:\n" + self.stderr())

    def stderr(self):
        self.err.seek(0)
        return self.err.read()

    def alive(self):
        ensure(self.process.poll() is None,
               f"albc serve died (exit {self.process.returncode}):\n{self.stderr()[-3000:]}")


def kube(serve, method, path, body=None, content_type="application/json", timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", serve.kube_port, timeout=timeout)
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = content_type
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    try:
        document = json.loads(data)
    except ValueError:
        document = None
    return response.status, document, data


def sign(method, host, body, service, region=REGION, when=None, signed=None, key="testing",
         secret="testing"):
    """SigV4 as botocore signs, with knobs for the cases that break it on purpose."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    headers = {"host": host, "content-type": "application/x-www-form-urlencoded; charset=utf-8",
               "x-amz-date": amz_date}
    signed = signed or sorted(headers)
    canonical = "\n".join([method, "/", "",
                           "".join(f"{name}:{headers[name]}\n" for name in signed),
                           ";".join(signed), hashlib.sha256(body.encode()).hexdigest()])
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    signing_key = ("AWS4" + secret).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        signing_key = hmac.new(signing_key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={key}/{scope}, "
                                f"SignedHeaders={';'.join(signed)}, Signature={signature}")
    return headers


def aws_raw(serve, params, service="elasticloadbalancing", raw_body=None, **signing):
    body = raw_body if raw_body is not None else urllib.parse.urlencode(params)
    host = f"127.0.0.1:{serve.aws_port}"
    headers = sign("POST", host, body, service, **signing)
    connection = http.client.HTTPConnection("127.0.0.1", serve.aws_port, timeout=10)
    connection.request("POST", "/", body=body.encode(), headers=headers)
    response = connection.getresponse()
    data = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, data


def aws(serve, params, service="elasticloadbalancing", raw_body=None, **signing):
    status, data = aws_raw(serve, params, service, raw_body, **signing)
    code = re.search(r"<Code>([^<]*)</Code>", data)
    message = re.search(r"<Message>([^<]*)</Message>", data)
    text = message.group(1) if message else None
    if text is not None:
        for escaped, plain in (("&apos;", "'"), ("&quot;", '"'), ("&lt;", "<"), ("&gt;", ">"),
                               ("&amp;", "&")):
            text = text.replace(escaped, plain)
    return status, code.group(1) if code else None, text


def elbv2(action, **params):
    return {"Action": action, "Version": "2015-12-01", **params}


# --- the state that must not change -------------------------------------------------------

def snapshot(serve):
    """What a bad request must leave as it was: the objects kubectl sees (each at its
    resourceVersion), and the load balancers, their tags and the security groups the aws CLI
    sees."""
    state = {}
    for path in ("/api/v1/configmaps", "/api/v1/secrets", "/api/v1/namespaces",
                 "/api/v1/services", "/apis/apps/v1/deployments",
                 "/apis/networking.k8s.io/v1/ingresses",
                 "/apis/networking.k8s.io/v1/ingressclasses",
                 "/apis/elbv2.k8s.aws/v1beta1/ingressclassparams",
                 "/apis/elbv2.k8s.aws/v1beta1/targetgroupbindings"):
        status, document, _ = kube(serve, "GET", path)
        ensure(status == 200, f"GET {path}: {status}")
        state[path] = sorted((item["metadata"].get("namespace", ""), item["metadata"]["name"],
                              item["metadata"]["resourceVersion"])
                             for item in document["items"])
    status, body = aws_raw(serve, elbv2("DescribeLoadBalancers"))
    ensure(status == 200, f"DescribeLoadBalancers: {status}")
    arns = sorted(re.findall(r"<LoadBalancerArn>([^<]*)</LoadBalancerArn>", body))
    state["load balancers"] = arns
    if arns:
        params = {f"ResourceArns.member.{i + 1}": arn for i, arn in enumerate(arns)}
        status, body = aws_raw(serve, elbv2("DescribeTags", **params))
        ensure(status == 200, f"DescribeTags: {status}")
        state["tags"] = re.sub(r"<RequestId>[^<]*</RequestId>", "", body)
    status, body = aws_raw(serve, {"Action": "DescribeSecurityGroups", "Version": "2016-11-15"},
                           service="ec2")
    ensure(status == 200, f"DescribeSecurityGroups: {status}")
    state["security groups"] = sorted(re.findall(r"<groupId>([^<]*)</groupId>", body))
    return state


# --- cases ----------------------------------------------------------------------------------

CASES = []


def case(function):
    CASES.append(function)
    return function


@case
def deeply_nested_json_body(serve):
    body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":' + \
        '{"a":' * 100_000 + '"x"' + "}" * 100_000 + "}"
    status, document, _ = kube(serve, "POST", "/api/v1/namespaces/default/configmaps", body)
    ensure(status == 400, f"status {status}")
    ensure("exceeded max depth" in document["message"], document["message"])


@case
def body_over_three_mebibytes(serve):
    body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"},
                       "data": {"a": "x" * (3 * 1024 * 1024 + 1)}})
    status, document, _ = kube(serve, "POST", "/api/v1/namespaces/default/configmaps", body)
    ensure(status == 413, f"status {status}")
    ensure(document["reason"] == "RequestEntityTooLarge", document)
    ensure(document["message"] == "Request entity too large: limit is 3145728", document)


@case
def header_over_one_mebibyte(serve):
    connection = socket.create_connection(("127.0.0.1", serve.kube_port), timeout=10)
    connection.sendall(b"GET /version HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1024 * 1024 + 10)
                       + b"\r\n\r\n")
    answer = connection.recv(4096)
    connection.close()
    ensure(answer.startswith(b"HTTP/1.1 431 "), answer[:100])


@case
def malformed_request_line(serve):
    connection = socket.create_connection(("127.0.0.1", serve.kube_port), timeout=10)
    connection.sendall(b"GET\x01 / HTTP/9.9\r\n\r\n")
    answer = connection.recv(4096)
    connection.close()
    ensure(answer.startswith(b"HTTP/1.1 400 "), answer[:100])


# The objects of the issue that once crashed or corrupted albc serve, each with the status and
# the part of the message the real API server gives (tests/kube/validation_test.cpp pins the
# whole messages).
REFUSED_OBJECTS = [
    ("POST", "/apis/networking.k8s.io/v1/ingressclasses", "application/json",
     {"metadata": {"name": "x"}, "spec": {"controller": 5}}, 400,
     "Go struct field IngressClassSpec.spec.controller of type string"),
    ("POST", "/apis/networking.k8s.io/v1/ingressclasses", "application/json",
     {"metadata": {"name": "x"}, "spec": {"controller": "a.io/b", "parameters": "x"}}, 400,
     "IngressClassSpec.spec.parameters of type v1.IngressClassParametersReference"),
    ("POST", "/apis/elbv2.k8s.aws/v1beta1/namespaces/default/targetgroupbindings",
     "application/json", {"metadata": {"name": "b"}, "spec": {"serviceRef": 5}}, 422,
     "spec.serviceRef in body must be of type object"),
    ("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json",
     {"metadata": {"name": "web"}, "spec": {"replicas": "two"}}, 400,
     "DeploymentSpec.spec.replicas of type int32"),
    ("PATCH", "/api/v1/namespaces/default/services/patched",
     "application/merge-patch+json", {"spec": {"ports": ["x"]}}, 400,
     "ServiceSpec.spec.ports of type v1.ServicePort"),
    ("POST", "/api/v1/namespaces/default/configmaps", "application/json",
     {"metadata": {"name": "Upper"}}, 422, "metadata.name: Invalid value: \"Upper\""),
    ("POST", "/api/v1/namespaces/default/configmaps", "application/json",
     {"metadata": {"name": "a" * 300}}, 422, "must be no more than 253 characters"),
    ("POST", "/api/v1/namespaces/default/configmaps", "application/json",
     {"metadata": {"name": "a/b"}}, 422, "metadata.name: Invalid value: \"a/b\""),
    ("POST", "/api/v1/namespaces/default/configmaps", "application/json",
     {"metadata": {"name": "a b"}}, 422, "metadata.name: Invalid value: \"a b\""),
    ("POST", "/api/v1/namespaces/default/configmaps", "application/json",
     {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}, 400,
     "Secret in version \"v1\" cannot be handled as a ConfigMap"),
    ("POST", "/api/v1/namespaces/default/configmaps", "text/plain",
     {"metadata": {"name": "c"}}, 415, "the body of the request was in an unknown format"),
    ("PATCH", "/apis/apps/v1/namespaces/default/deployments/patched",
     "application/json-patch+json",
     [{"op": "add", "path": "/spec/replicas/x", "value": 1}], 422,
     "doc is missing path: \"/spec/replicas/x\""),
    # Forty copies that each double the object: 2.5 KB asking for 2^40 times its size.
    ("PATCH", "/apis/apps/v1/namespaces/default/deployments/patched",
     "application/json-patch+json",
     [{"op": "copy", "from": "/spec", "path": f"/spec/c{i}"} for i in range(40)], 422,
     "Unable to complete the copy, the accumulated size increase of copy is"),
]


PATCHED = [
    ("/api/v1/namespaces/default/services",
     {"metadata": {"name": "patched"}, "spec": {"ports": [{"port": 80}]}}),
    ("/apis/apps/v1/namespaces/default/deployments",
     {"metadata": {"name": "patched"},
      "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "patched"}},
               "template": {"metadata": {"labels": {"app": "patched"}},
                            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}),
]


@case
def kubernetes_objects_refused_at_the_door(serve):
    # The objects the patches aim at exist only during the case: the snapshot must match after.
    for collection, body in PATCHED:
        status, document, _ = kube(serve, "POST", collection, body)
        ensure(status == 201, f"POST {collection}: {status} {document}")
    try:
        for method, path, content_type, body, expected, fragment in REFUSED_OBJECTS:
            status, document, data = kube(serve, method, path, body, content_type)
            message = document.get("message", "") if isinstance(document, dict) else data
            ensure(status == expected and fragment in message,
                   f"{method} {path}: {status} {message!r}, want {expected} and {fragment!r}")
    finally:
        for collection, body in PATCHED:
            kube(serve, "DELETE", f"{collection}/{body['metadata']['name']}")


@case
def kubernetes_names_escaped_in_the_path(serve):
    # Paths are percent-decoded before they are split, as Go's server does: %65 is "e", and
    # a%2Fb reads as the subresource "b" of "a", which does not exist.
    config_maps = "/api/v1/namespaces/default/configmaps"
    status, document, _ = kube(serve, "POST", config_maps, {"metadata": {"name": "escaped"}})
    ensure(status == 201, f"POST: {status} {document}")
    try:
        status, document, _ = kube(serve, "GET", config_maps + "/%65scaped")
        ensure(status == 200 and document["metadata"]["name"] == "escaped",
               f"GET %65scaped: {status} {document}")
        status, document, _ = kube(serve, "GET", config_maps + "/a%2Fb")
        ensure(status == 404 and
               document["message"] == "the server could not find the requested resource",
               f"GET a%2Fb: {status} {document}")
    finally:
        kube(serve, "DELETE", config_maps + "/escaped")


@case
def aws_parameter_with_a_hundred_thousand_parts(serve):
    status, code, message = aws(serve, elbv2("DescribeLoadBalancers",
                                             **{"A" + ".B" * 100_000: "1"}))
    ensure(status == 400 and code == "MalformedQueryString", (status, code, message))


@case
def aws_requests_dated_2020_and_2099(serve):
    for year in (2020, 2099):
        when = datetime.datetime(year, 1, 1, tzinfo=datetime.timezone.utc)
        status, code, message = aws(serve, elbv2("DescribeLoadBalancers"), when=when)
        ensure(status == 403 and code == "SignatureDoesNotMatch", (year, status, code, message))
        ensure(message.startswith("Signature expired" if year == 2020 else
                                  "Signature not yet current"), message)
    status, code, _ = aws(serve, {"Action": "DescribeVpcs", "Version": "2016-11-15"},
                          service="ec2",
                          when=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc))
    ensure(status == 400 and code == "RequestExpired", (status, code))


@case
def aws_signature_without_host(serve):
    status, code, message = aws(serve, elbv2("DescribeLoadBalancers"),
                                signed=["content-type", "x-amz-date"])
    ensure(status == 403 and code == "SignatureDoesNotMatch", (status, code, message))
    ensure(message == "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
           message)


@case
def aws_tag_value_not_utf8(serve):
    body = ("Action=AddTags&Version=2015-12-01&ResourceArns.member.1=x"
            "&Tags.member.1.Key=k&Tags.member.1.Value=caf%E9")
    status, code, _ = aws(serve, None, raw_body=body)
    ensure(status == 400 and code == "MalformedQueryString", (status, code))


@case
def thousands_of_watches(serve):
    # Streams never finish on their own: past the cap, the oldest make room for new clients.
    sockets = []
    for _ in range(4200):
        connection = socket.create_connection(("127.0.0.1", serve.kube_port), timeout=10)
        connection.sendall(b"GET /api/v1/namespaces?watch=true HTTP/1.1\r\nHost: x\r\n\r\n")
        sockets.append(connection)
    # Once the newest watch has its answer the server has taken in the whole crowd (slower in a
    # sanitizer build); from then on a new client must not wait behind the open streams.
    sockets[-1].settimeout(60)
    sockets[-1].recv(1)
    try:
        ensure(answers_quickly(serve) < 2, "a new client waited behind watches")
    finally:
        for connection in sockets:
            connection.close()


def crowd(serve, count, slow):
    """`count` connections that never finish a request: idle ones, or slowloris ones that
    trickle a header."""
    sockets = []
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", serve.kube_port), timeout=10)
        if slow:
            connection.sendall(b"GET /version HTTP/1.1\r\nHost: x\r\n")
        sockets.append(connection)
    return sockets


def answers_quickly(serve):
    started = time.monotonic()
    status, _, _ = kube(serve, "GET", "/version", timeout=5)
    ensure(status == 200, f"status {status}")
    return time.monotonic() - started


@case
def thousands_of_idle_connections(serve):
    sockets = crowd(serve, 4200, slow=False)
    try:
        ensure(answers_quickly(serve) < 2, "a new client waited behind idle connections")
    finally:
        for connection in sockets:
            connection.close()


@case
def thousands_of_slowloris_connections(serve):
    sockets = crowd(serve, 4200, slow=True)
    try:
        for connection in sockets[:100]:
            connection.sendall(b"X-Slow: 1\r\n")
        ensure(answers_quickly(serve) < 2, "a new client waited behind slow connections")
    finally:
        for connection in sockets:
            connection.close()


def main():
    albc, source_dir = sys.argv[1], sys.argv[2]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < 10_000:
        print(f"SKIP: the open-files limit ({hard}) is too low for the connection cases",
              file=sys.stderr)
        return 77
    failures = []
    with tempfile.TemporaryDirectory() as work:
        serve = Serve(albc, source_dir, work)
        try:
            before = snapshot(serve)
            for function in CASES:
                name = function.__name__.replace("_", " ")
                try:
                    function(serve)
                    serve.alive()
                    after = snapshot(serve)
                    ensure(after == before, f"the state changed: {before} -> {after}")
                    print(f"ok   {name}")
                except Exception as error:  # one failing case must not hide the others
                    failures.append(name)
                    print(f"FAIL {name}: {error}")
                    if serve.process.poll() is not None:
                        break
            serve.alive()
            started = time.monotonic()
            serve.process.send_signal(signal.SIGTERM)
            serve.process.wait(timeout=10)
            stopped_in = time.monotonic() - started
            print(f"{'ok  ' if stopped_in < 1 else 'FAIL'} SIGTERM stops albc serve "
                  f"({stopped_in:.3f} s)")
            if stopped_in >= 1:
                failures.append("SIGTERM")
        finally:
            if serve.process.poll() is None:
                serve.process.kill()
        if failures:
            print("albc serve stderr (tail):\n" + serve.stderr()[-2000:])
    print(f"{len(CASES) + 1 - len(failures)} of {len(CASES) + 1} cases passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
