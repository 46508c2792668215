"""An AI/ML service is reachable on all interfaces without authentication.

## What it does
Flags a service from the [service catalog](../services.md) that runs code,
manages or serves models, or reads and writes data (Ollama, vLLM, Text
Generation Inference, Text Embeddings Inference, SGLang, TensorRT-LLM's `trtllm-serve` (and its gRPC server), lmdeploy, LocalAI, the llama.cpp server, llamafile, MLC LLM, OpenLLM,
the LiteLLM proxy, One API, Triton, TorchServe,
Seldon MLServer, OpenVINO Model Server, Xinference, Infinity, FastChat, Aphrodite, TabbyAPI, Tabby, KoboldCpp, InvokeAI, Flowise, AnythingLLM, RAGFlow, MaxKB, FastGPT, MindsDB,
Dify's code sandbox (whose shipped key `dify-sandbox` counts as none), Open WebUI
Pipelines (likewise its README's `0p3n-w3bu!`),
TensorFlow Serving, Ray, Determined's master, H2O-3 (`java -jar h2o.jar`), MLflow, TensorBoard, code-server, ComfyUI,
AUTOMATIC1111 (its `COMMANDLINE_ARGS` read as options too), SD.Next, the kohya_ss GUI, Fooocus, text-generation-webui, Open WebUI, Hugging Face Chat UI (on the operator's key), Langflow, Airflow, the Argo
Workflows server, JupyterHub, the Dask scheduler and its dashboard, the Dagster
webserver, the Prefect server, marimo's editor, Zeppelin, the Spark standalone
master and Spark Connect, the Kubeflow Pipelines UI and API server, Kubeflow's
central dashboard, the Katib UI, the Kubeflow Model Registry, the Flyte sandbox, Label Studio, Metaflow's metadata service and UI backend,
the ClearML API and file servers, the Feast feature server, RStudio Server,
the Jupyter Kernel Gateway, Arize Phoenix, the ZenML server, Aim, Optuna Dashboard, Evidently,
Chroma, Qdrant, Weaviate, Milvus, Redis, Redis Stack, Meilisearch, Elasticsearch, OpenSearch, PostgreSQL, Neo4j, ...)
when it listens on all interfaces **and**

- (a) its authentication is explicitly turned off (TorchServe
  `--disable-token-auth`, code-server `--auth none`, Open WebUI
  `WEBUI_AUTH=False`, JupyterHub's `DummyAuthenticator` (zero-to-jupyterhub's
  default: the chart's hub Secret's `values.yaml`, base64, with
  `hub.config.JupyterHub.authenticator_class: dummy`, no shared
  `hub.config.DummyAuthenticator.password` and no `hub.extraConfig`,
  `hub.existingSecret`, `hub.extraFiles`, `hub.args` or volume mounted into
  the hub's configuration directory that may choose another, read for the
  chart's configurable-http-proxy whose `--default-target` is that hub, in
  the same rendered manifest; reported at that `values.yaml`), Airflow 3's
  `AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=True` on an `api-server` or
  `standalone`, not on a scheduler that serves no UI, nor where another auth
  manager may decide the login (`AIRFLOW__CORE__AUTH_MANAGER` naming FAB's,
  as Airflow's docker-compose.yaml does, or an `airflow.cfg` the scan does not
  read, from `AIRFLOW_CONFIG` or mounted at `/opt/airflow/airflow.cfg`: the
  login is then unknown and nothing is said); the Argo Workflows
  server's `--auth-mode=server`, not the same image running `argo submit`;
  `marimo edit --no-token`, not `marimo run`, which serves an app, nor
  `--no-token` beside a `--token-password`, which marimo then asks for; the
  Dask scheduler's `--jupyter`, a Jupyter server with an empty token on its
  dashboard address; ClearML's `CLEARML__fileserver__auth__enabled=false`;
  rocker's `DISABLE_AUTH=true` for RStudio Server; ZenML's
  `ZENML_SERVER_AUTH_SCHEME=NO_AUTH`;
  PostgreSQL's `POSTGRES_HOST_AUTH_METHOD=trust` (its image, pgvector's too,
  needs a password otherwise); Elasticsearch's `xpack.security.enabled=false`;
  OpenSearch's `DISABLE_SECURITY_PLUGIN=true`; Neo4j's `NEO4J_AUTH=none`;
  Bitnami Redis's `ALLOW_EMPTY_PASSWORD=yes` without a `REDIS_PASSWORD`):
  any format, a
  Dockerfile's start command included; the finding points at the switch; or
- (b) it has no authentication configured (none exists, or it is off by
  default and not turned on, e.g. vLLM without `--api-key`/`VLLM_API_KEY`,
  and vLLM with `VLLM_SERVER_DEV_MODE=1` whatever its key (its development
  routes, `/collective_rpc`, `/sleep`, `/reset_prefix_cache`, are outside the
  `/v1` paths the key guards), Anthropic's computer-use demo image (VNC with
  `-nopw` on 5900, noVNC on 6080 and the agent's Streamlit UI on 8501, none
  with a login), debugpy's adapter (`python -m debugpy --listen 0.0.0.0:5678`:
  whoever connects runs Python in the program; `--listen 5678` alone is
  localhost), Marqo, Devika's agent API (1337), Airflow 1.x's webserver (puckel/docker-airflow, or a build
  pinning apache-airflow 1.x, without `AIRFLOW__WEBSERVER__RBAC` or
  `AUTHENTICATE`; an `airflow.cfg` of one's own may set them: then nothing is
  said), Text Generation Inference without `--api-key`/`API_KEY`, a Dask scheduler
  without TLS client certificates (`--tls-ca-file`; its dashboard has no login
  at all, and `--no-dashboard` leaves its HTTP server's info pages on that
  port), the Dagster webserver, a Prefect server without
  `PREFECT_SERVER_API_AUTH_STRING`, Zeppelin without a `shiro.ini`, a Spark
  master without `spark.authenticate` (bound to a host name, such as its
  compose service's, it listens on the container's own address, which a
  published port reaches; `-Dspark.authenticate=true` in `SPARK_MASTER_OPTS`
  turns it on) and its REST submission server
  (`-Dspark.master.rest.enabled=true`, port 6066), which has none at all, the ClearML API server without fixed users
  (`CLEARML__apiserver__auth__fixed_users__enabled`), a Feast feature server
  whose `feature_store.yaml` sets no `auth`, a Jupyter Kernel Gateway without
  `KG_AUTH_TOKEN`, Phoenix without `PHOENIX_ENABLE_AUTH=true`, Aim's UI and
  tracking server and Optuna Dashboard (no login at all), Evidently without
  `EVIDENTLY_SECRET`/`--secret`, Kubeflow's central dashboard and
  the Pipelines API server, which take the user from a header their gateway
  sets, Label Studio without
  `LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true` (anyone can sign up and join
  its organization), Langflow without
  `LANGFLOW_AUTO_LOGIN=false` (its auto-login hands every visitor a superuser
  session, whatever `LANGFLOW_SUPERUSER` says), text-generation-webui's
  OpenAI-compatible API (`--api`, port 5000) without `--api-key`, which
  `--gradio-auth` does not guard; KoboldCpp without `--password`; Redis
  Stack (its entrypoint turns protected mode off) without a password; the
  official `redis` image (its build turns protected mode off) without
  `--requirepass`, where a config file given as its first argument,
  `--include`, `--aclfile` or `--user` may set one (then nothing is said; a
  `redis-server` installed from a distribution's package keeps protected mode on);
  the Katib UI (its checks are off unless `APP_DISABLE_AUTH=false`, and then
  it trusts the `kubeflow-userid` header); Meilisearch without a master key; MLflow's `--app-name basic-auth` with
  the admin login its packaged `basic_auth.ini` sets (`admin`/`password1234`,
  which everyone knows, the message says so) unless `MLFLOW_AUTH_CONFIG_PATH`,
  `MLFLOW_AUTH_ADMIN_PASSWORD` or `mlflow --env-file` may set another; MinIO without root credentials, or with
  the built-in `minioadmin` password, which everyone knows (it starts with
  `minioadmin:minioadmin` and only logs a warning);
  Elasticsearch 6.x/7.x (`elasticsearch:7.17.24`), whose security is off
  unless `xpack.security.enabled=true`, unlike 8.0 and later; OpenSearch
  before 2.12 (`opensearchproject/opensearch:2.11.1`), whose image installs
  the demo security configuration with the login `admin`/`admin` unless
  `DISABLE_INSTALL_DEMO_CONFIG=true` or a config directory mounted (or a file
  the image's own Dockerfile copies into it) sets other
  users (a switch set to a value the scan cannot read, `${DISABLE_DEMO}` or a
  `configMapKeyRef`, may: then nothing is said), on its REST API (9200; the
  transport port 9300 takes node certificates, not that login); Milvus with `COMMON_SECURITY_AUTHORIZATIONENABLED=true` and no
  `COMMON_SECURITY_DEFAULTROOTPASSWORD` of its own (it creates `root` with the
  password `Milvus`); TorchServe before 0.11.1 (`pytorch/torchserve:0.9.0-cpu`),
  which checks no token unless `--plugins-path` loads the token plugin (0.10.0
  and 0.11.0), and then not on its gRPC APIs (7070, 7071), which before 0.11.0
  listen on every interface whatever its config says; or the official
  image's own start command turns it off, as `pytorch/torchserve`'s `serve`
  does with `--disable-token-auth`; the vLLM production-stack router, which
  checks no credential and passes its callers' to its engines, when one of
  the engines its Kubernetes service discovery selects in the same file (the
  pods of `--k8s-namespace` its `--k8s-label-selector` selects, running a
  service that listens on `--k8s-port`) asks for none, whatever key the
  router itself holds; when every one of them asks for a key, nothing is said)
  and is reachable beyond the host: a compose/`docker run` port published
  without a loopback host IP, `docker run -P`, host networking (where Docker
  and Podman discard the published ports: one finding, at the host network;
  the `none` network and compose `internal: true` networks publish none, an
  `overlay` one excepted: a stack publishes through the swarm's ingress network), or a compose
  port such a sidecar publishes for it (`network_mode: service:vpn`: the
  service joins `vpn`'s network namespace, cannot publish ports of its own,
  and is reached through `vpn`'s, a chain of joins followed; the finding
  points at the sidecar's port entry); in Kubernetes
  `hostNetwork`, a `hostPort`, or a Service of type `LoadBalancer` or
  `NodePort` in the scanned files that selects the pod and targets the port
  (by the pod template's labels, or those the API server, a controller or the
  operator gives the pods it makes: a StatefulSet's
  `statefulset.kubernetes.io/pod-name: <set>-<ordinal>` and `apps.kubernetes.io/pod-index`,
  a Job's `job-name`/`batch.kubernetes.io/job-name` and completion index, a JobSet's
  (a TrainJob's) `jobset.sigs.k8s.io/jobset-name`, `replicatedjob-name` and `job-index`,
  the Kubeflow training operators' `training.kubeflow.org/job-name`, `replica-type`,
  `replica-index` and `job-role`, a Volcano Job's `volcano.sh/job-name`, `task-spec`
  and `task-index`, a Kubeflow Notebook's `notebook-name` and its own labels
  (not its template's), KubeRay's `ray.io/node-type`, `ray.io/cluster`, ..., LeaderWorkerSet's
  `leaderworkerset.sigs.k8s.io/name`, `group-index` and `worker-index` (a leader's `"0"`), the Dask
  operator's `dask.org/cluster-name` and `dask.org/component`, KServe's
  `serving.kserve.io/inferenceservice` and `component: predictor`),
  or a Service the KubeRay operator creates for a `RayCluster` (`RayJob`,
  `RayService`): the head Service, whose type is its `headService`
  template's `spec.type`, else `headGroupSpec.serviceType` (its annotations
  the template's, with the cluster's `headServiceAnnotations` over them; a
  RayService's own head Service the template's only), and a
  `RayService`'s serve Service (`serveService`), on the ports they carry
  (the operator starts Ray's dashboard and job API on 0.0.0.0 in the head
  pod; `authOptions.mode: token` turns authentication on), or the
  scheduler Service `<cluster>-scheduler` the Dask operator creates for a
  `DaskCluster` (or a `DaskJob`'s cluster) from `scheduler.service` as
  written; or an Ingress (`networking.k8s.io/v1`, and the `v1beta1` ones) that
  routes to a Service of its namespace selecting the pod, in its own file or
  one close to it (the same directory or a sibling one: a directory of
  `deployment.yaml`, `service.yaml` and `ingress.yaml`, a chart's templates),
  a ClusterIP one too (its controller is the cluster's edge; the head Service
  `<cluster>-head-svc` KubeRay makes for a `RayCluster` too, and the
  `<name>-head-svc` a `RayService` keeps for itself), on the port that
  Service targets, unless the Ingress's annotations may authenticate its
  requests (ingress-nginx `auth-url`/`auth-type`/`auth-tls-verify-client`,
  NGINX Inc's `basic-auth-secret`/`jwt-*`, the AWS Load Balancer Controller's
  `auth-type`, Traefik's `router.middlewares`, Kong's `konghq.com/plugins`, a
  snippet that mentions `auth`), its load balancer is internal (the AWS Load
  Balancer Controller's, `alb` class or `alb.ingress.kubernetes.io/`
  annotations, or an IngressClass, of its file or one close to it (a
  platform team's, cluster-wide), with controller
  `ingress.k8s.aws/alb` or EKS Auto Mode's `eks.amazonaws.com/alb`, unless its
  scheme is `internet-facing`: the `spec.scheme` of the IngressClassParams the
  class's `parameters` name, which wins over the Ingress's
  `alb.ingress.kubernetes.io/scheme`; the default scheme is `internal`; GKE's
  `gce-internal` class), its ingress-nginx
  source allowlist (`allowlist-source-range`, `whitelist-source-range`), or the
  AWS Load Balancer Controller's `alb.ingress.kubernetes.io/inbound-cidrs`
  (unless `alb.ingress.kubernetes.io/security-groups` is set, which makes the
  controller ignore it), names
  private ranges only (RFC 1918, loopback, IPv6 ULA: a VPN's), or the backend
  Service's `cloud.google.com/backend-config` names a BackendConfig with
  `iap.enabled: true` or one not in the file (Identity-Aware Proxy), or its
  own `konghq.com/plugins` or ALB `auth-type` annotations may authenticate. An
  Ingress without `metadata.namespace` exposes the pods of files close to its
  own only (the same directory or a sibling one), not those of another part of
  the tree; and the
  Ingress KubeRay creates to the head's dashboard for
  `headGroupSpec.enableIngress: true` (the RayCluster's annotations are its);
  or a Gateway API `HTTPRoute`/`GRPCRoute` attached (`parentRefs`) to a
  Gateway of the scan, in its file or one close to it, with an HTTP or HTTPS
  listener that admits the route (its kind, by `allowedRoutes.kinds`; its
  namespace, by `allowedRoutes.namespaces`), routing (`backendRefs`) to such a Service of its
  namespace, unless the Gateway is internal (GKE's `gke-l7-rilb` classes, AWS
  VPC Lattice's `amazon-vpc-lattice`, Istio's `istio-waypoint`, an
  internal load balancer asked for through `spec.infrastructure.annotations`
  or Istio's `networking.istio.io/service-type: ClusterIP`, an Envoy Gateway
  `EnvoyProxy` named by `spec.infrastructure.parametersRef` (else by its
  GatewayClass's `parametersRef`) whose `envoyService` is a ClusterIP or
  internal one; parameters the scan does not
  hold leave the Gateway unjudged) or something may
  authenticate the route: a rule's `ExtensionRef` filter, Kong's
  `konghq.com/plugins`, or a policy that targets the route, its Gateway or
  the Service (Envoy Gateway's `SecurityPolicy`, Kuadrant's `AuthPolicy`,
  GKE's `GCPBackendPolicy` with IAP, VPC Lattice's `IAMAuthPolicy`) or an Istio `AuthorizationPolicy`/
  `RequestAuthentication` of their namespace. A route whose Gateway is not in
  the scan (a platform team's shared Gateway) is not judged. A KServe
  `LLMInferenceService` with `spec.router.route` (and no `route.http.refs`) is
  such a route too: KServe makes the HTTPRoute `<name>-kserve-route`, attached
  to the Gateways its `spec.router.gateway.refs` name (a ref without a
  namespace: the service's own), to its single-node workload pods, or a
  multi-node one's (`worker`) leader pods (`template`), on port 8000 (a rule's
  `ExtensionRef` filter in `route.http.spec` may authenticate). Only a
  `template` the service writes is judged: one that writes none (a
  single-node one with no `template`, a multi-node one with `worker` alone)
  runs the `main` container its LLMInferenceServiceConfig presets give
  (`config-llm-template.yaml`, `config-llm-worker-data-parallel.yaml`), which
  glmlint does not build, so its route is not reported. With
  `gateway: {}` (no refs) the route goes to the Gateways its own
  `route.http.spec.parentRefs` name, else to the cluster's default gateway,
  which KServe's `inferenceservice-config` names (`ingress.kserveIngressGateway`):
  `kserve/kserve-ingress-gateway` as KServe ships it, judged where the scan has
  it; an `inferenceservice-config` ConfigMap in the route's file or one close
  to it, else one with its namespace written anywhere in the scan (the
  controller reads the ConfigMap of that name in its own namespace, wherever
  a repository keeps KServe's install), names the one the controller reads
  (`<namespace>/<name>`, or a name of the ConfigMap's namespace; one whose
  `ingress` names none, or that the scan cannot read, attaches the route to
  no Gateway it judges).
  Or an OpenShift `Route` (`route.openshift.io`: the router is the
  cluster's edge) whose `to` or `alternateBackends` (but those of `weight: 0`)
  name such a Service, on the port its `port.targetPort` names (the Service
  port's name, or the pods' port number; every port when it names none),
  unless its HAProxy source allowlist (`haproxy.router.openshift.io/ip_allowlist`,
  `ip_whitelist`) names private ranges only. Or an Istio `VirtualService`
  whose `gateways` name an Istio `Gateway` of the scan (in its file or one
  close to it; `mesh`, or no `gateways`, is the sidecars only) and whose
  `http`/`tcp`/`tls` routes' `destination.host` is such a Service of its
  namespace (a short name, or `<name>.<namespace>.svc.cluster.local`), on
  `destination.port.number` (not needed for a Service of one port), unless an
  Istio `AuthorizationPolicy`/`RequestAuthentication` of its namespace, the
  Gateway's or `istio-system` may authenticate, or the Services of the scan
  that select the Gateway's pods (a selector that agrees with the Gateway's
  `selector` labels) are all ClusterIP or internal `LoadBalancer` ones (as
  below). With no such Service in the scan, the Gateway is taken as the
  cluster's edge (Istio's default ingress gateway Service is a public
  `LoadBalancer`).
  Or a Knative `DomainMapping` whose `spec.ref` names a Knative Service of
  its file and namespace: Knative's ingress routes the mapped domain to it
  with external visibility, even to a `cluster-local` Service, on the user
  container's `containerPort` (8080 when it writes none). A Knative Service
  alone is not judged exposed: its address is under the cluster's
  `config-domain`, `svc.cluster.local` unless an operator configures one.
  The finding points at what makes it reachable (an Ingress, a route: the
  backend's Service name).
  A `LoadBalancer` Service (the operators' ones too, from their templates'
  annotations and `loadBalancerClass`) whose cloud controller makes an
  internal load balancer, reached from the private network only, exposes
  nothing by itself (an Ingress or route to it still does): AWS's in-tree
  `service.beta.kubernetes.io/aws-load-balancer-internal` with any value but
  `false`, or `aws-load-balancer-scheme: internal` (a Service without a class
  that writes `aws-load-balancer-scheme` is taken as the AWS Load Balancer
  Controller's, whose chart's webhook makes it the controller of every new
  LoadBalancer Service, and that controller gives the scheme precedence:
  `aws-load-balancer-internal: "true"` with `scheme: internet-facing` is
  public); a Service the AWS Load
  Balancer Controller takes (class `service.k8s.aws/nlb`, EKS Auto Mode's
  `eks.amazonaws.com/nlb`, `aws-load-balancer-type: nlb-ip`, or `external`
  with an `aws-load-balancer-nlb-target-type`) unless its scheme is
  `internet-facing` (its default is `internal`); GKE's
  `networking.gke.io/load-balancer-type: Internal` (or the older
  `cloud.google.com/load-balancer-type`) or class
  `networking.gke.io/l4-regional-internal`, an `-external` class winning over
  the annotation; AKS's `service.beta.kubernetes.io/azure-load-balancer-internal:
  "true"` (exactly); OCI's `service.beta.kubernetes.io/oci-load-balancer-internal:
  "true"`, or with `oci.oraclecloud.com/load-balancer-type: nlb` its
  `oci-network-load-balancer.oraclecloud.com/internal: "true"`; Alibaba Cloud's
  `service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet`;
  Hetzner Cloud's `load-balancer.hetzner.cloud/disable-public-network: "true"`;
  IBM Cloud's `service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type:
  private`; OpenStack's `service.beta.kubernetes.io/openstack-internal-load-balancer:
  "true"` (exactly); Tencent Cloud's
  `service.kubernetes.io/qcloud-loadbalancer-internal-subnetid` (a subnet);
  DigitalOcean's `service.beta.kubernetes.io/do-loadbalancer-network: INTERNAL` (any
  value but `EXTERNAL` or empty, `internal` too, is refused: no load balancer at all);
  Tailscale's operator's class `tailscale` (the tailnet: its Ingress class
  `tailscale` too, unless `tailscale.com/funnel: "true"` publishes it).
  Nor does one whose source ranges (`spec.loadBalancerSourceRanges`, else the
  annotation `service.beta.kubernetes.io/load-balancer-source-ranges`) are all
  private (RFC 1918, loopback, RFC 6598, IPv6 ULA): a public range among them
  (an office's) is not judged and the Service stays an exposure. The AWS Load
  Balancer Controller applies the ranges at its NLB's security group; with
  `aws-load-balancer-disable-nlb-sg: "true"` there is none, and it ignores them
  unless the targets preserve the client's address
  (`aws-load-balancer-target-group-attributes: preserve_client_ip.enabled=true`,
  the default for `instance` targets, not for `ip` ones); given frontend security
  groups of your own (`aws-load-balancer-security-groups`) it makes none and
  applies the ranges nowhere (your groups decide, and glmlint does not read
  them): such a Service is judged by its scheme alone.
  A Gateway's `spec.infrastructure.annotations` are read the same way.

The service is recognised from what the container runs, not from a port
number: its start command (through `sh -c`, `python -m`, `uvx`/`pipx run`, k8s
`command`/`args`; a script such as ComfyUI's `main.py` by its path, read from
the directory the container starts in: the Dockerfile's `WORKDIR`,
compose `working_dir`, Kubernetes `workingDir`, or a `cd` before it in the
start command) or the official image's own command and defaults (an
`ollama/ollama` service listens on `0.0.0.0:11434` because the image sets
`OLLAMA_HOST`; `yanwk/comfyui-boot` starts ComfyUI with `--listen` and the
words of `CLI_ARGS`). Where it binds is resolved as the service resolves it
(flags, then environment, then the image's defaults, then its own default),
and from the config file it reads (TorchServe's `config.properties`: named by
`--ts-config`, written by the build, or the image's own in its working
directory; vLLM's `--config` YAML file, as the build writes it). A compose
service built from a scanned Dockerfile whose `CMD` only gives the official
image's `ENTRYPOINT` its arguments runs with those arguments.

A public tunnel the start command opens reaches the service wherever it binds,
from any format, the Dockerfile's start command included: Gradio's share link
(AUTOMATIC1111's and text-generation-webui's `--share`, AUTOMATIC1111's
`--ngrok`; the AUTOMATIC1111 REST API `--api` mounts on the same server goes
with it) and text-generation-webui's `--public-api` (a Cloudflare tunnel to its
API); the finding points at the switch.

It does **not** fire for a Dockerfile alone under (b) (publishing is decided
at run time), for a ClusterIP-only Service no Ingress routes to (KubeRay's
default head Service type, and a `headService` template of `type: ClusterIP` whatever
`serviceType` says; an Ingress and a Service in files far apart in the tree are not paired),
for a serve Service that carries only Ray Serve's HTTP port, for a Vespa container
given `services` (its start script then starts no config server), for an MLflow server
started with another `--app-name` (a plugin's login), for a port published on
`127.0.0.1`, for a service bound to loopback inside the container, for
authentication turned on through a secret reference (`VLLM_API_KEY` from a
`secretKeyRef`, `--api-key ${KEY}`; or possibly, through variables the scan
cannot read: a Kubernetes `envFrom`, a compose `env_file`, `docker run
--env-file`, when the service's key is a variable), for a bind address it cannot read, or
for a service whose authentication the catalog cannot state from a source
(NVIDIA NIM; its `NGC_API_KEY` is the key it downloads the model with, not
one its API checks), or for one started with a config file the scan does not
read that may turn it on (LiteLLM's `--config`, whose
`general_settings.master_key` sets the key; a Qdrant config file mounted in
`/qdrant/config` or named by `--config-path`; Redis Stack's `REDIS_ARGS` or a
mounted `/redis-stack.conf`, either of which may hold `--requirepass`;
a Fooocus `auth.json` mounted in its directory; a Milvus `milvus.yaml` mounted
in `/milvus/configs`; a Zeppelin conf directory mounted or named by
`ZEPPELIN_CONF_DIR`, where a `shiro.ini` turns logins on; a Spark master given
`--properties-file`, which may set `spark.authenticate`; a ClearML API server with `/opt/clearml/config`
mounted, where an `apiserver.conf` may set fixed users). An image whose repository
holds several programs is the service only under the tags that run it
(llama.cpp's `:server*` tags, not `:light` or `:full`), and an image's tag
names the release that runs when authentication changed between releases:
`flowiseai/flowise:2.2.8` (up to 3.0.0: no login unless both `FLOWISE_USERNAME`
and `FLOWISE_PASSWORD` are set; a password alone guards nothing) is judged,
`flowiseai/flowise:3.0.4` or `:latest`
(a login always) is not; `xprobe/xinference:v1.*`/`v2.*` (open unless
`--auth-config`) is, `:v3.*`/`:latest` (a login unless
`XINFERENCE_AUTH_ADVANCED=false`) is not. A build that installs the
package names the release that runs, over the image's tag: a pin (`npm
install -g flowise@2.2.8`, `pip install "xinference[all]==1.2.0"`,
`pip install torchserve==0.9.0` on `pytorch/torchserve:0.12.0-gpu`, or
`torchserve==0.9.0` in the requirements file a `pip install -r` reads,
copied in from the build context) that release; an upgrade (`pip install -U torchserve` on
`pytorch/torchserve:0.8.2-gpu`, whose own `serve` then runs a torchserve that
checks tokens), or an unpinned install on an image without it, the newest; a
plain `pip install torchserve` keeps the release the image holds (pip finds it
already there); a range whose releases are all one entry's names it (npm's
`flowise@^2.2.8` or `flowise@2` is 2.x, pip's `torchserve~=0.9.0` 0.9.x,
conda's fuzzy `torchserve=0.11` the newest 0.11.x); any other range, or a
version the scan cannot read, counts as the current release. A service whose authentication is
middleware in its own code (a BentoML service, like a Streamlit or Gradio app)
is not judged.
Jupyter is GLM005's and sshd GLM006's, except in Kubeflow's notebook server
images (`kubeflownotebookswg/jupyter-*`, `codeserver-*`, `rstudio-*`, and
their `ghcr.io/kubeflow/kubeflow/notebook-servers/` names): their start
scripts run JupyterLab with an empty token (code-server `--auth none`,
RStudio `--auth-none=1`) on 0.0.0.0:8888 because Kubeflow's gateway logs
users in, so they are judged under (b), reported only when a published port,
host networking or a NodePort/LoadBalancer Service goes around that gateway,
never for a `Notebook` alone (its controller's Service is ClusterIP); a
`command:` of one's own replaces the image's `/init` and starts none of them.

## Why is this bad?
These services do what they are for for anyone who reaches them: the Ray
job API runs arbitrary code (ShadowRay), the TorchServe management API
registers model archives whose handlers are Python (ShellTorch), Ollama
pulls and deletes models, an OpenAI-compatible server without a key serves
anyone's traffic on your GPUs, and a vector store hands out and overwrites
its documents. Scanners find these ports on the internet within hours, and
Docker's published ports bypass host firewalls such as `ufw`.

## Example
```yaml
services:
  ollama:
    image: ollama/ollama
    ports:
      - "11434:11434"
```
Use instead:
```yaml
services:
  ollama:
    image: ollama/ollama
    ports:
      - "127.0.0.1:11434:11434"
```
(or no `ports:` at all: the other services of the compose file reach it as
`ollama:11434`; or put an authenticating proxy in front)

## Fix safety
Unsafe: publishing on `127.0.0.1` cuts off every other host that used the
port, and every container that calls it through the host: none is offered
for a port another service of the compose file connects to at
`host.docker.internal` (`gateway.docker.internal`, Podman's
`host.containers.internal`, `172.17.0.1`, or a name its `extra_hosts` maps
to `host-gateway`), which Docker forwards from the host's loopback only, nor
for a service whose docs have its client call it that way from a container
of its own (Open WebUI Pipelines, which Open WebUI reaches at
`http://host.docker.internal:9099`): the finding says so. Services of one
compose network that call it by its name do not go through the published
port and keep the fix. Offered for compose and `docker run` ports written as one string (a
host IP read from a default, `${OLLAMA_HOST_IP:-0.0.0.0}`, gets `127.0.0.1`
as its default, in a compose file and in a `docker run -p` alike); a
switch that turned authentication off, host networking and Kubernetes
Services need a human (turn authentication on, or drop the exposure).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from glmlint.catalog.services import AuthState, identify
from glmlint.ir import Format, Loc, Workload
from glmlint.reach import Reach, reach, through_host
from glmlint.rule import Finding, FixSafety, Kind, PublishLoopback, Risk, Severity, rule

_LOOPBACK = "Publish the port on 127.0.0.1 only"


def _judged(s: Any) -> bool:
    """The cataloged services this rule judges: not those another rule owns (Jupyter: GLM005, sshd:
    GLM006), not apps whose authentication is their own code's, not remote shells."""
    return s.owner is None and s.auth_default != "app" and s.kind != "remote-shell"


def _listener(service: str, listener: str) -> str:
    """The service's listener as a message names it: the service's name alone when it already says every
    word of the listener's (the kohya_ss GUI's GUI, the ClearML API server's API)."""
    words = set(service.lower().split())
    return service if set(listener.lower().split()) <= words else f"{service} {listener}"


def _through(engines: tuple[Workload, ...]) -> tuple[AuthState, Workload | None]:
    """What a router's callers must give, by the engines it passes their requests to: none when one of
    them asks for none or for a key everyone knows (that engine), a credential when every one does, else
    unknown."""
    states = []
    for engine in engines:
        for m in identify(engine):
            for ls in m.listeners():
                got = m.auth(ls.listener)
                if got.state in ("absent", "off"):
                    # (a key everyone knows is none: the router's callers give it as well)
                    return AuthState("absent", known=got.known if got.state == "absent" else None), engine
                states.append(got.state)
    return AuthState("on" if states and all(s == "on" for s in states) else "unknown"), None


@rule(kind=Kind.EXPOSURE, risk=Risk.CRITICAL, code="GLM017", slug="ai-service-exposed", severity=Severity.ERROR,
      message="{name} exposes {service} without authentication",
      formats={Format.DOCKERFILE, Format.COMPOSE, Format.KUBERNETES}, fix=FixSafety.UNSAFE,
      tags=("security", "cwe-306", "ai-ml"), security_severity=9.0, services=_judged)
def check(workload: Workload) -> Iterator[Finding]:
    seen: set[Loc] = set()
    for match in identify(workload):
        s = match.service
        if not _judged(s):
            continue
        for ls in match.listeners():
            # a public tunnel (Gradio's `--share`) reaches it wherever it binds
            tunnel = match.tunneled(ls.listener)
            if (not ls.all_interfaces and tunnel is None) or ls.port is None:
                continue
            # a listener may have its own authentication (text-generation-webui's API key)
            auth = match.auth(ls.listener)
            engine = None
            if workload.backends and auth.state != "off":
                # a router that checks no credential and passes its callers' to its engines: theirs is its
                auth, engine = _through(workload.backends)
            if auth.state in ("on", "unknown"):
                continue
            if auth.state == "off" and ls.all_interfaces:
                assert auth.loc is not None
                if auth.loc in seen:
                    continue
                seen.add(auth.loc)
                # the port clients use when every way it is reached agrees on one (`3000:8080`: 3000)
                outside = {r.outside for r in reach(workload, ls.port)}
                port = f"{outside.pop()} (the container's {ls.port})" if len(outside) == 1 and None not in outside \
                    else ls.port
                yield Finding(at=auth.loc, args={"name": workload.label, "service": s.name}, message=(
                    f"{workload.label} turns off {s.name} authentication ({auth.switch}) while its "
                    f"{ls.listener.name} listens on all interfaces: it {ls.listener.gives or s.gives} for anyone "
                    f"who can reach port {port}"))
                continue
            reaches = reach(workload, ls.port) if ls.all_interfaces else []
            if tunnel is not None:
                reaches.append(Reach(f"shared through a public tunnel ({tunnel[1]})", tunnel[0]))
            for r in reaches:
                if r.loc in seen:
                    continue
                seen.add(r.loc)
                # another container that calls it through the host loses it on 127.0.0.1: no fix, and why
                why = through_host(workload, r.port) if r.port is not None else None
                fix = PublishLoopback(r.port, _LOOPBACK) if r.port is not None and why is None else None
                # a login everyone knows is none (MLflow's `--app-name basic-auth` and its packaged admin)
                how = ("with only a login everyone knows ("
                       + (f"{auth.switch}: " if auth.switch else "") + f"{auth.known})") if auth.known else \
                    "with no authentication" if engine is None else \
                    f"with no authentication (it checks none, and its engine {engine.label} asks for none)"
                port = f"{r.outside} (the container's {ls.port})" if r.outside else ls.port
                yield Finding(at=r.loc, args={"name": workload.label, "service": s.name}, fix=fix, message=(
                    f"{workload.label} runs the {_listener(s.name, ls.listener.name)} {r.how} {how}: "
                    f"it {ls.listener.gives or s.gives} for anyone who can reach port {port}"
                    + (f" (no automatic fix: {why})" if why else "")))
