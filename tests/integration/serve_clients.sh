#!/usr/bin/env bash
# Real clients against `albc serve`: kubectl applies the seed's manifests to the fake API server,
# the controller builds the ALB in the fake AWS, and the aws CLI describes it; then kubectl
# deletes the Ingress and everything goes. Usage: serve_clients.sh ALBC_BINARY SOURCE_DIR
set -euo pipefail
albc="$1"
source_dir="$2"
for tool in kubectl aws; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed" >&2
    exit 77
  fi
done
work="$(mktemp -d)"
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- albc serve stderr:" >&2; cat "$work/serve.err" >&2 || true
  echo "--- albc serve trace (last 40 lines):" >&2; tail -40 "$work/serve.out" >&2 || true
  exit 1
}

"$albc" serve "$source_dir/scenarios/seed-walkthrough.yaml" --kube-port 0 --aws-port 0 \
  --kubeconfig "$work/kubeconfig" >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 1 100); do
  grep -q "fake AWS" "$work/serve.err" 2>/dev/null && break
  sleep 0.1
done
aws_port="$(sed -n 's/.*fake AWS (ELBv2, EC2) on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.err")"
[ -n "$aws_port" ] || fail "albc serve did not start"
kube_port="$(sed -n 's/.*fake Kubernetes API on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.err")"

export KUBECONFIG="$work/kubeconfig" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=ap-northeast-2
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
kubectl_() { kubectl --cache-dir "$work/kube-cache" "$@"; }
aws_() { aws --endpoint-url "http://127.0.0.1:$aws_port" --output text "$@"; }

api="$(kubectl_ get --raw /api)" || fail "kubectl get --raw /api"
echo "$api" | grep -q "\"serverAddress\":\"127.0.0.1:$kube_port\"" || fail "/api advertises $api, not port $kube_port"

kubectl_ apply -f "$source_dir/scenarios/seed-walkthrough/namespace.yaml" -f "$source_dir/scenarios/seed-walkthrough/nginx.yaml" \
  >"$work/apply.out" || fail "kubectl apply failed: $(cat "$work/apply.out")"
grep -q "ingress.networking.k8s.io/nginx-ingress created" "$work/apply.out" || fail "kubectl apply did not create the Ingress"

# The binding appears once the controller has deployed the stack; both pods get registered.
bindings=""
for _ in $(seq 1 150); do
  bindings="$(kubectl_ get targetgroupbindings -n test 2>/dev/null || true)"
  if echo "$bindings" | grep -q "nginx-svc"; then
    tg_arn="$(aws_ elbv2 describe-target-groups --query 'TargetGroups[0].TargetGroupArn' 2>/dev/null || true)"
    if [ -n "$tg_arn" ] && [ "$tg_arn" != "None" ] &&
       [ "$(aws_ elbv2 describe-target-health --target-group-arn "$tg_arn" --query 'length(TargetHealthDescriptions)')" = "2" ]; then
      break
    fi
  fi
  sleep 0.2
done
echo "$bindings" | grep -Eq "^k8s-test-nginxsvc-[0-9a-f]{10} +nginx-svc +80 +ip " || fail "kubectl get targetgroupbindings: $bindings"

lb="$(aws_ elbv2 describe-load-balancers --query 'LoadBalancers[0].[LoadBalancerName,Scheme,Type,DNSName]')"
echo "$lb" | grep -Eq "^k8s-nginxgroup-[0-9a-f]{10}	internet-facing	application	k8s-nginxgroup-" || fail "describe-load-balancers: $lb"
lb_arn="$(aws_ elbv2 describe-load-balancers --query 'LoadBalancers[0].LoadBalancerArn')"
listener="$(aws_ elbv2 describe-listeners --load-balancer-arn "$lb_arn" --query 'Listeners[0].[Protocol,Port]')"
[ "$listener" = "HTTP	81" ] || fail "describe-listeners: $listener"
health="$(aws_ elbv2 describe-target-groups --query 'TargetGroups[0].[TargetType,HealthCheckPath,HealthCheckIntervalSeconds,HealthCheckTimeoutSeconds,HealthyThresholdCount,UnhealthyThresholdCount,Matcher.HttpCode]')"
[ "$health" = "ip	/	15	10	2	4	200,302" ] || fail "describe-target-groups: $health"
targets="$(aws_ elbv2 describe-target-health --target-group-arn "$tg_arn" --query 'length(TargetHealthDescriptions)')"
[ "$targets" = "2" ] || fail "describe-target-health: $targets targets"

# kubectl scale goes through the Deployment's /scale subresource; the targets follow the pods.
scaled="$(kubectl_ scale deployment nginx-deploy -n test --replicas=3)" || fail "kubectl scale: $scaled"
[ "$scaled" = "deployment.apps/nginx-deploy scaled" ] || fail "kubectl scale printed: $scaled"
scale="$(kubectl_ get --raw /apis/apps/v1/namespaces/test/deployments/nginx-deploy/scale)"
echo "$scale" | grep -q '"kind":"Scale"' || fail "GET scale: $scale"
echo "$scale" | grep -q '"spec":{"replicas":3}' || fail "GET scale after kubectl scale: $scale"
for _ in $(seq 1 100); do
  targets="$(aws_ elbv2 describe-target-health --target-group-arn "$tg_arn" --query 'length(TargetHealthDescriptions)')"
  [ "$targets" = "3" ] && break
  sleep 0.2
done
[ "$targets" = "3" ] || fail "after kubectl scale: $targets targets, want 3"

# A rolling update and its undo, as kubectl drives them: the Deployment's ReplicaSets carry the
# revisions, and the targets follow the new pods (the old ones drain, as in AWS, for the target
# group's deregistration delay).
old_ips="$(kubectl_ get pods -n test -o jsonpath='{.items[*].status.podIP}')"
kubectl_ set image deployment/nginx-deploy -n test nginx-test=nginx:1.27 >/dev/null || fail "kubectl set image"
kubectl_ rollout status deployment/nginx-deploy -n test --timeout=60s >/dev/null || fail "kubectl rollout status"
kubectl_ rollout undo deployment/nginx-deploy -n test >"$work/undo.out" || fail "kubectl rollout undo: $(cat "$work/undo.out")"
grep -q "deployment.apps/nginx-deploy rolled back" "$work/undo.out" || fail "kubectl rollout undo printed: $(cat "$work/undo.out")"
kubectl_ rollout status deployment/nginx-deploy -n test --timeout=60s >/dev/null || fail "kubectl rollout status after undo"
history="$(kubectl_ rollout history deployment/nginx-deploy -n test)"
[ "$(echo "$history" | awk '$1 ~ /^[0-9]+$/ {print $1}' | tr '\n' ' ')" = "2 3 " ] || fail "kubectl rollout history: $history"
[ "$(kubectl_ get replicasets -n test -o name | wc -l)" = "2" ] || fail "kubectl get replicasets: $(kubectl_ get replicasets -n test)"
image="$(kubectl_ get deployment nginx-deploy -n test -o jsonpath='{.spec.template.spec.containers[0].image}')"
[ "$image" = "nginx" ] || fail "after the undo the image is $image"
for _ in $(seq 1 100); do
  ips="$(aws_ elbv2 describe-target-health --target-group-arn "$tg_arn" --query "TargetHealthDescriptions[?TargetHealth.State!='draining'].Target.Id" | tr '\t' '\n' | sort | tr '\n' ' ')"
  want="$(kubectl_ get pods -n test --field-selector=status.phase=Running -o jsonpath='{.items[*].status.podIP}' | tr ' ' '\n' | sort | tr '\n' ' ')"
  [ "$ips" = "$want" ] && [ "$(echo "$ips" | wc -w)" = "3" ] && break
  sleep 0.2
done
[ "$ips" = "$want" ] || fail "after the rollout the targets are $ips, the pods $want"
for ip in $old_ips; do
  case " $ips " in *" $ip "*) fail "target $ip of an old pod is still registered" ;; esac
done

dns="$(aws_ elbv2 describe-load-balancers --query 'LoadBalancers[0].DNSName')"
hostname="$(kubectl_ get ingress nginx-ingress -n test -o jsonpath='{.status.loadBalancer.ingress[0].hostname}')"
[ "$hostname" = "$(echo "$dns" | tr 'A-Z' 'a-z')" ] || fail "Ingress hostname $hostname, load balancer $dns"
kubectl_ get ingress -n test | grep -q "$hostname" || fail "kubectl get ingress does not show the address"

# The finalizer holds the delete until the controller has cleaned up.
kubectl_ delete ingress nginx-ingress -n test --timeout=60s >/dev/null || fail "kubectl delete ingress"
[ "$(aws_ elbv2 describe-load-balancers --query 'length(LoadBalancers)')" = "0" ] || fail "load balancer left behind"
[ "$(aws_ elbv2 describe-target-groups --query 'length(TargetGroups)')" = "0" ] || fail "target group left behind"
left="$(kubectl_ get targetgroupbindings -n test -o name)" || fail "kubectl get targetgroupbindings after the delete"
[ -z "$left" ] || fail "binding left behind: $left"

kill "$serve_pid"
wait "$serve_pid" || true
serve_pid=""
grep -q "albc serve: stopped" "$work/serve.err" || fail "albc serve did not stop cleanly"
echo "PASS: kubectl and the aws CLI against albc serve"
