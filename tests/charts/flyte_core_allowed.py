"""What may differ between the flyte-core emitter and upstream's overlays: one entry per leaf, both values pinned.

Each comparison in test_flyte_core_reference*.py passes the lists that apply to it to
:func:`tests.charts.upstream.assert_matches`; every differing leaf needs its entry, and every entry its difference.
"""

from __future__ import annotations

from .upstream import ABSENT, Allowed, allow

# ---- why (one reason per kind of difference) -----------------------------------------------------------------------

AUTH = (
    "inputs differ by necessity: upstream's overlays run without authentication, but the spec refuses a production "
    "profile without it (and these presets are production), so the fed spec has OIDC on"
)
AUTH_HEADERS = AUTH + " (flyte-authorization must be allowed then)"
AUTH_SECRET_ENV = AUTH + " (the OIDC client secret reaches FlyteAdmin from its Secret)"
CLIENT_SECRET = (
    "upstream ships the chart's placeholder 'foobar' as a real client secret; we never inline secrets: null "
    "makes the chart mount the Secret the person creates"
)
DB_SECRET = (
    "upstream renders the database password from values (userSettings.dbPassword); we keep it out of values "
    "and list the Secret to create"
)
SSLMODE = "upstream leaves sslmode to the driver default (prefer); the spec's sslmode is always written"
ARRAY_LOGS = "upstream gives legacy map-task subtasks log links on GCP only; we give them the same links as other tasks"
TASK_DEFAULTS = (
    "per-task default requests/limits are tuning the spec does not model (recommended spec field); the chart's "
    "defaults stay"
)
STALE_STANDALONE = "stale key: no v1.16.8 template reads it (false anyway)"
STALE_CACHE_SIZE = "stale key: no v1.16.8 template reads it"
SCHEDULER_FLAG = "no template reads it; workflow_scheduler.enabled: false already removes the scheduler"
NO_REDIS = "flyte-core has no redis block; no template reads it"
RELEASE_OBJECT = "not a values key: Helm's .Release object cannot be set from values (placeholder in the GCP overlay)"
NOTIFICATIONS = "example settings of a disabled module; the spec does not model notifications"
DATACATALOG_GSA = (
    "the spec has one backend identity for FlyteAdmin and DataCatalog; upstream uses a separate GSA for "
    "DataCatalog (recommended spec field identity.datacatalog)"
)
CLUSTER_ISSUER = "the spec names a ClusterIssuer (cluster-issuer annotation); upstream refers to a namespaced Issuer"
EMPTY_HOST = "sandbox: an empty host and no host render the same host-less Ingress rule"
WEBPACK = "route to a webpack dev server for console development; not modelled"
ANALYTICS = "Google Analytics tracking in the sandbox console; deliberately not enabled"
H2C = (
    "Contour proxies gRPC to FlyteAdmin only with the h2c upstream-protocol annotation (upstream's 'flyte' "
    "sandbox chart sets it; values-sandbox.yaml leaves it out)"
)
CLUSTERS = "upstream's control-plane profile leaves the data planes to the person; the spec lists them"
CLUSTER_CREDENTIALS = "mounts the cluster-credentials Secret the data planes' clusterConfigs read"
DATA_PLANE_INGRESS = "upstream's data-plane render still has both Ingresses, pointing at a FlyteAdmin that is not there"
DATA_PLANE_ADMIN = (
    "upstream's data-plane profile leaves propeller on flyteadmin:81, which does not exist on a data plane"
)
DATA_PLANE_ADMIN_TLS = "as endpoint: the control plane is reached through its TLS Ingress"
CLUSTER_NAME = "names the data plane in the events propeller sends (upstream leaves it blank)"
CLI_CLIENTS = (
    "with the internal auth server the kit lists the service client, and Flyte replaces the default staticClients "
    "map (flytestdlib ZeroFields), so the built-in flytectl and flyte-cli clients are written back (issue 10 item 1)"
)
RECONNECT = (
    "upstream puts reconnectAttempts: 10 / reconnectDelaySeconds: 30 under workflowExecutor, where Flyte's "
    "SchedulerConfig has no such keys (ignored); the kit writes the same values at scheduler level, where it reads "
    "them (runtime.unknown-key, issue 10)"
)
CATALOG_LB = (
    "upstream keeps DataCatalog a NodePort Service, unreachable from data planes; the kit makes it an internal "
    "LoadBalancer (multicluster.rst: DataCatalog is not behind the Ingress), issue 10 item 4"
)
DATA_PLANE_CATALOG_LB = (
    "datacatalog:89 does not exist on a data plane: propeller reaches the control plane's DataCatalog through its "
    "internal load balancer, plain gRPC (DataCatalog serves no TLS)"
)

# ---- EKS, GKE and both multi-cluster profiles (same inputs, same values) ----------------------------------------

_CLI_REDIRECTS = ["http://localhost:53593/callback", "http://localhost:12345/callback"]

COMMON: list[Allowed] = [
    allow("cluster_resource_manager.standalone_deploy", ABSENT, False, STALE_STANDALONE),
    allow("common.databaseSecret.secretManifest", {}, ABSENT, DB_SECRET),
    allow("common.databaseSecret.secretManifest.apiVersion", ABSENT, "v1", DB_SECRET),
    allow("common.databaseSecret.secretManifest.kind", ABSENT, "Secret", DB_SECRET),
    allow("common.databaseSecret.secretManifest.metadata.name", ABSENT, "db-pass", DB_SECRET),
    allow("common.databaseSecret.secretManifest.type", ABSENT, "Opaque", DB_SECRET),
    allow("configmap.adminServer.auth.appAuth.authServerType", "Self", ABSENT, AUTH),
    allow(
        "configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytepropeller.client_secret",
        "<FLYTEPROPELLER_CLIENT_SECRET_BCRYPT_BASE64>",
        ABSENT,
        AUTH,
    ),
    allow(
        "configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytepropeller.grant_types",
        ["refresh_token", "client_credentials"],
        ABSENT,
        AUTH,
    ),
    allow(
        "configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytepropeller.id",
        "flytepropeller",
        ABSENT,
        AUTH,
    ),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytepropeller.public", False, ABSENT, AUTH),
    allow(
        "configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytepropeller.redirect_uris",
        ["http://localhost:3846/callback"],
        ABSENT,
        AUTH,
    ),
    allow(
        "configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytepropeller.response_types",
        ["token"],
        ABSENT,
        AUTH,
    ),
    allow(
        "configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytepropeller.scopes",
        ["all", "offline", "access_token"],
        ABSENT,
        AUTH,
    ),
    allow("configmap.adminServer.auth.grpcAuthorizationHeader", "flyte-authorization", ABSENT, AUTH),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flyte-cli.grant_types", ["refresh_token", "authorization_code"], ABSENT, CLI_CLIENTS),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flyte-cli.id", "flyte-cli", ABSENT, CLI_CLIENTS),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flyte-cli.public", True, ABSENT, CLI_CLIENTS),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flyte-cli.redirect_uris", _CLI_REDIRECTS, ABSENT, CLI_CLIENTS),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flyte-cli.response_types", ["code", "token"], ABSENT, CLI_CLIENTS),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flyte-cli.scopes", ["all", "offline", "access_token"], ABSENT, CLI_CLIENTS),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytectl.grant_types", ["refresh_token", "authorization_code"], ABSENT, CLI_CLIENTS),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytectl.id", "flytectl", ABSENT, CLI_CLIENTS),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytectl.public", True, ABSENT, CLI_CLIENTS),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytectl.redirect_uris", _CLI_REDIRECTS, ABSENT, CLI_CLIENTS),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytectl.response_types", ["code", "token"], ABSENT, CLI_CLIENTS),
    allow("configmap.adminServer.auth.appAuth.selfAuthServer.staticClients.flytectl.scopes", ["all", "offline", "access_token"], ABSENT, CLI_CLIENTS),
    allow(
        "configmap.adminServer.auth.userAuth.openId.clientId",
        "<OIDC_CLIENT_ID>",
        "657465813211-6eog7ek7li5k7i7fvgv2921075063hpe.apps.googleusercontent.com",
        AUTH,
    ),
    allow("configmap.adminServer.auth.userAuth.openId.scopes", ["openid", "profile"], ["profile", "openid"], AUTH),
    allow(
        "configmap.adminServer.server.security.allowedHeaders",
        ["Content-Type", "flyte-authorization"],
        ["Content-Type"],
        AUTH_HEADERS,
    ),
    allow("configmap.adminServer.server.security.useAuth", True, False, AUTH),
    allow("configmap.task_resource_defaults.task_resources.limits.storage", ABSENT, "2000Mi", TASK_DEFAULTS),
    allow(
        "flyteadmin.env",
        [
            {
                "name": "FLYTE_SECRET_oidc_client_secret",
                "valueFrom": {"secretKeyRef": {"name": "flyte-secret-auth", "key": "oidc_client_secret"}},
            }
        ],
        [],
        AUTH_SECRET_ENV,
    ),
    allow("secrets.adminOauthClientCredentials.clientSecret", ABSENT, "foobar", CLIENT_SECRET),
]

EKS: list[Allowed] = [
    allow(("common", "databaseSecret", "secretManifest", "stringData", "pass.txt"), ABSENT, "<DB_PASSWORD>", DB_SECRET),
    allow(
        "configmap.adminServer.auth.authorizedUris",
        ["http://flyteadmin:80", "http://flyteadmin.flyte.svc.cluster.local:80"],
        ["https://localhost:30081", "http://flyteadmin:80", "http://flyteadmin.flyte.svc.cluster.local:80"],
        AUTH,
    ),
    allow(
        "configmap.adminServer.auth.userAuth.openId.baseUrl", "<OIDC_ISSUER_URL>", "https://accounts.google.com", AUTH
    ),
    allow("configmap.task_logs.plugins.k8s-array.logs.config.cloudwatch-enabled", True, ABSENT, ARRAY_LOGS),
    allow(
        "configmap.task_logs.plugins.k8s-array.logs.config.cloudwatch-log-group", "<LOG_GROUP_NAME>", ABSENT, ARRAY_LOGS
    ),
    allow("configmap.task_logs.plugins.k8s-array.logs.config.cloudwatch-region", "<AWS_REGION>", ABSENT, ARRAY_LOGS),
    allow("configmap.task_resource_defaults.task_resources.defaults.cpu", "100m", "1000m", TASK_DEFAULTS),
    allow("configmap.task_resource_defaults.task_resources.defaults.memory", "500Mi", "1000Mi", TASK_DEFAULTS),
    allow("configmap.task_resource_defaults.task_resources.defaults.storage", ABSENT, "1000Mi", TASK_DEFAULTS),
    allow("db.admin.database.options", "sslmode=require", ABSENT, SSLMODE),
    allow("db.datacatalog.database.options", "sslmode=require", ABSENT, SSLMODE),
    allow("workflow_notifications.config", {}, ABSENT, NOTIFICATIONS),
    allow(
        "workflow_notifications.config.notifications.emailer.body",
        ABSENT,
        '"Execution {{ workflow.project }}/{{ workflow.domain }}/{{ workflow.name }}/{{ name }} has {{ phase }}.\n Details: https://flyte.example.com/console/projects/{{ project }}/domains/{{ domain }}/executions/{{ name }}.\n {{ error }}"\n',
        NOTIFICATIONS,
    ),
    allow("workflow_notifications.config.notifications.emailer.sender", ABSENT, "flyte@example.com", NOTIFICATIONS),
    allow(
        "workflow_notifications.config.notifications.emailer.subject",
        ABSENT,
        "Flyte: {{ project }}/{{ domain }}/{{ launch_plan.name }} has {{ phase }}",
        NOTIFICATIONS,
    ),
    allow("workflow_notifications.config.notifications.processor.accountId", ABSENT, "<ACCOUNT_NUMBER>", NOTIFICATIONS),
    allow(
        "workflow_notifications.config.notifications.processor.queueName",
        ABSENT,
        "flyte-notifications-queue",
        NOTIFICATIONS,
    ),
    allow(
        "workflow_notifications.config.notifications.publisher.topicName",
        ABSENT,
        "arn:aws:sns:<AWS_REGION>:<ACCOUNT_NUMBER>:flyte-notifications-topic",
        NOTIFICATIONS,
    ),
    allow("workflow_notifications.config.notifications.region", ABSENT, "<AWS_REGION>", NOTIFICATIONS),
    allow("workflow_notifications.config.notifications.type", ABSENT, "aws", NOTIFICATIONS),
]

GKE: list[Allowed] = [
    allow("Release.Name", ABSENT, "<RELEASE-NAME>", RELEASE_OBJECT),
    allow(("common", "databaseSecret", "secretManifest", "stringData", "pass.txt"), ABSENT, "<DBPASSWORD>", DB_SECRET),
    allow(
        ("common", "ingress", "annotations", "cert-manager.io/cluster-issuer"),
        "letsencrypt-production",
        ABSENT,
        CLUSTER_ISSUER,
    ),
    allow(
        ("common", "ingress", "annotations", "cert-manager.io/issuer"), ABSENT, "letsencrypt-production", CLUSTER_ISSUER
    ),
    allow(
        "configmap.adminServer.auth.authorizedUris",
        ["https://<HOSTNAME>", "http://flyteadmin:80", "http://flyteadmin.flyte.svc.cluster.local:80"],
        ["https://localhost:30081", "http://flyteadmin:80", "http://flyteadmin.flyte.svc.cluster.local:80"],
        AUTH,
    ),
    allow("configmap.task_resource_defaults.task_resources.defaults.cpu", "100m", "500m", TASK_DEFAULTS),
    allow("configmap.task_resource_defaults.task_resources.defaults.storage", ABSENT, "500Mi", TASK_DEFAULTS),
    allow(
        ("datacatalog", "serviceAccount", "annotations", "iam.gke.io/gcp-service-account"),
        "gsa-flyteadmin@<PROJECT-ID>.iam.gserviceaccount.com",
        "gsa-datacatalog@<PROJECT-ID>.iam.gserviceaccount.com",
        DATACATALOG_GSA,
    ),
    allow("db.admin.database.options", "sslmode=disable", ABSENT, SSLMODE),
    allow("db.datacatalog.database.options", "sslmode=disable", ABSENT, SSLMODE),
    allow("flytepropeller.cacheSizeMbs", ABSENT, 1024, STALE_CACHE_SIZE),
]

CONTROL_PLANE: list[Allowed] = [
    allow(
        "configmap.clusters.clusterConfigs",
        [
            {
                "name": "dataplane-1",
                "endpoint": "<DATAPLANE_1_K8S_API_URL>",
                "enabled": True,
                "auth": {
                    "type": "file_path",
                    "tokenPath": "/var/run/credentials/dataplane-1_token",
                    "certPath": "/var/run/credentials/dataplane-1_cacert",
                },
            },
            {
                "name": "dataplane-2",
                "endpoint": "<DATAPLANE_2_K8S_API_URL>",
                "enabled": True,
                "auth": {
                    "type": "file_path",
                    "tokenPath": "/var/run/credentials/dataplane-2_token",
                    "certPath": "/var/run/credentials/dataplane-2_cacert",
                },
            },
        ],
        [],
        CLUSTERS,
    ),
    allow("configmap.clusters.labelClusterMap", ABSENT, {}, CLUSTERS),
    allow(
        "configmap.clusters.labelClusterMap.default",
        [{"id": "dataplane-1", "weight": 0.5}, {"id": "dataplane-2", "weight": 0.5}],
        ABSENT,
        CLUSTERS,
    ),
    allow(
        "flyteadmin.additionalVolumeMounts",
        [{"name": "cluster-credentials", "mountPath": "/var/run/credentials"}],
        [],
        CLUSTER_CREDENTIALS,
    ),
    allow(
        "flyteadmin.additionalVolumes",
        [{"name": "cluster-credentials", "secret": {"secretName": "cluster-credentials"}}],
        [],
        CLUSTER_CREDENTIALS,
    ),
    allow("datacatalog.service.annotations", ABSENT, {}, CATALOG_LB),
    allow(
        ("datacatalog", "service", "annotations", "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"),
        "ip",
        ABSENT,
        CATALOG_LB,
    ),
    allow(
        ("datacatalog", "service", "annotations", "service.beta.kubernetes.io/aws-load-balancer-scheme"),
        "internal",
        ABSENT,
        CATALOG_LB,
    ),
    allow(
        ("datacatalog", "service", "annotations", "service.beta.kubernetes.io/aws-load-balancer-type"),
        "external",
        ABSENT,
        CATALOG_LB,
    ),
    allow("datacatalog.service.type", "LoadBalancer", "NodePort", CATALOG_LB),
]

AWS_SCHEDULER: list[Allowed] = [
    allow("workflow_scheduler.config.scheduler.reconnectAttempts", 10, ABSENT, RECONNECT),
    allow("workflow_scheduler.config.scheduler.reconnectDelaySeconds", 30, ABSENT, RECONNECT),
    allow("workflow_scheduler.config.scheduler.workflowExecutor.reconnectAttempts", ABSENT, 10, RECONNECT),
    allow("workflow_scheduler.config.scheduler.workflowExecutor.reconnectDelaySeconds", ABSENT, 30, RECONNECT),
]

DATA_PLANES: list[Allowed] = [
    allow("common.ingress.enabled", False, True, DATA_PLANE_INGRESS),
    allow("configmap.admin.admin.endpoint", "<CONTROL_PLANE_ADMIN_ENDPOINT>", "flyteadmin:81", DATA_PLANE_ADMIN),
    allow("configmap.admin.admin.insecure", False, True, DATA_PLANE_ADMIN_TLS),
    allow(
        "configmap.catalog.catalog-cache.endpoint",
        "dns:///<DATACATALOG_INTERNAL_ADDRESS>:89",
        "datacatalog:89",
        DATA_PLANE_CATALOG_LB,
    ),
    allow("flytescheduler.enabled", ABSENT, False, SCHEDULER_FLAG),
]

DATA_PLANE_1: list[Allowed] = [
    allow("flytepropeller.clusterName", "dataplane-1", "", CLUSTER_NAME),
]

DATA_PLANE_2: list[Allowed] = [
    allow("flytepropeller.clusterName", "dataplane-2", "", CLUSTER_NAME),
]

SANDBOX: list[Allowed] = [
    allow("common.ingress.host", ABSENT, "", EMPTY_HOST),
    allow("common.ingress.webpackHMR", False, True, WEBPACK),
    allow("configmap.k8s.plugins.k8s.default-memory", "100Mi", "200Mi", TASK_DEFAULTS),
    allow("configmap.task_logs.plugins.k8s-array.logs.config.kubernetes-enabled", True, ABSENT, ARRAY_LOGS),
    allow(
        "configmap.task_logs.plugins.k8s-array.logs.config.kubernetes-template-uri",
        'http://localhost:30082/#/log/{{ "{{" }} .namespace {{ "}}" }}/{{ "{{" }} .podName {{ "}}" }}/pod?namespace={{ "{{" }} .namespace {{ "}}" }}',
        ABSENT,
        ARRAY_LOGS,
    ),
    allow("configmap.task_resource_defaults.task_resources.defaults.cpu", "100m", "500m", TASK_DEFAULTS),
    allow("configmap.task_resource_defaults.task_resources.defaults.memory", "500Mi", "1Gi", TASK_DEFAULTS),
    allow("configmap.task_resource_defaults.task_resources.limits.gpu", 1, 5, TASK_DEFAULTS),
    allow("configmap.task_resource_defaults.task_resources.limits.memory", "1Gi", "4Gi", TASK_DEFAULTS),
    allow("db.admin.database.options", "sslmode=disable", ABSENT, SSLMODE),
    allow("db.datacatalog.database.options", "sslmode=disable", ABSENT, SSLMODE),
    allow("flyteadmin.service.annotations", ABSENT, {}, H2C),
    allow(("flyteadmin", "service", "annotations", "projectcontour.io/upstream-protocol.h2c"), "grpc", ABSENT, H2C),
    allow("flyteconsole.ga.enabled", False, True, ANALYTICS),
    allow("redis.enabled", ABSENT, False, NO_REDIS),
]
