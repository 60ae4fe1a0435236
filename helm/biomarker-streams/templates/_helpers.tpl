{{/* Names and labels. */}}
{{- define "biomarker-streams.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "biomarker-streams.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The headless Service: stable per-pod DNS names for the instances' application.server. */}}
{{- define "biomarker-streams.headlessName" -}}
{{- printf "%s-headless" (include "biomarker-streams.fullname" . | trunc 54 | trimSuffix "-") }}
{{- end }}

{{- define "biomarker-streams.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "biomarker-streams.selectorLabels" -}}
app.kubernetes.io/name: {{ include "biomarker-streams.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "biomarker-streams.labels" -}}
helm.sh/chart: {{ include "biomarker-streams.chart" . }}
{{ include "biomarker-streams.selectorLabels" . }}
app.kubernetes.io/version: {{ include "biomarker-streams.imageTag" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "biomarker-streams.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "biomarker-streams.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "biomarker-streams.applicationId" -}}
{{- default (include "biomarker-streams.fullname" .) .Values.kafka.applicationId }}
{{- end }}

{{/* Image: a pinned tag (default appVersion) or a digest, never "latest". */}}
{{- define "biomarker-streams.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{- define "biomarker-streams.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (include "biomarker-streams.imageTag" .) }}
{{- end }}
{{- end }}

{{/* The chart's own Secret holds what values gave in clear; existing Secrets are referenced instead. */}}
{{- define "biomarker-streams.secretName" -}}
{{- printf "%s-credentials" (include "biomarker-streams.fullname" . | trunc 51 | trimSuffix "-") }}
{{- end }}

{{- define "biomarker-streams.saslEnabled" -}}
{{- if hasPrefix "SASL_" .Values.kafka.security.protocol }}true{{ end }}
{{- end }}

{{- define "biomarker-streams.saslInChartSecret" -}}
{{- if and (include "biomarker-streams.saslEnabled" .) (not .Values.kafka.security.sasl.existingSecret) }}true{{ end }}
{{- end }}

{{- define "biomarker-streams.registryAuthInChartSecret" -}}
{{- if and .Values.schemaRegistry.basicAuth.enabled (not .Values.schemaRegistry.basicAuth.existingSecret) }}true{{ end }}
{{- end }}

{{- define "biomarker-streams.kafkaTlsEnabled" -}}
{{- if and .Values.kafka.security.tls.enabled (has .Values.kafka.security.protocol (list "SSL" "SASL_SSL")) }}true{{ end }}
{{- end }}

{{/* Registry TLS stores: their own Secret, or the Kafka TLS Secret when none is named. */}}
{{- define "biomarker-streams.registryTlsSecret" -}}
{{- default .Values.kafka.security.tls.existingSecret .Values.schemaRegistry.tls.existingSecret }}
{{- end }}

{{- define "biomarker-streams.registryTlsOwnVolume" -}}
{{- $r := .Values.schemaRegistry.tls }}
{{- if and $r.enabled (or (not (include "biomarker-streams.kafkaTlsEnabled" .)) (ne (include "biomarker-streams.registryTlsSecret" .) .Values.kafka.security.tls.existingSecret)) }}true{{ end }}
{{- end }}

{{- define "biomarker-streams.registryTlsDir" -}}
{{- if include "biomarker-streams.registryTlsOwnVolume" . }}/etc/biomarker-streams/registry-tls{{ else }}/etc/biomarker-streams/kafka-tls{{ end }}
{{- end }}

{{- define "biomarker-streams.protocolConfigMap" -}}
{{- if .Values.protocol.existingConfigMap }}
{{- .Values.protocol.existingConfigMap }}
{{- else }}
{{- printf "%s-protocol" (include "biomarker-streams.fullname" . | trunc 54 | trimSuffix "-") }}
{{- end }}
{{- end }}

{{- define "biomarker-streams.protocolFromFile" -}}
{{- if or .Values.protocol.file .Values.protocol.existingConfigMap }}true{{ end }}
{{- end }}

{{/* Properties the chart sets itself from dedicated values; kafka.config must not repeat them. */}}
{{- define "biomarker-streams.managedProperties" -}}
{{- list "bootstrap.servers" "application.id" "application.server" "state.dir" "processing.guarantee" "num.stream.threads" "num.standby.replicas" "security.protocol" "sasl.mechanism" "sasl.jaas.config" "ssl.truststore.location" "ssl.truststore.password" "ssl.truststore.type" "ssl.keystore.location" "ssl.keystore.password" "ssl.keystore.type" "ssl.key.password" "basic.auth.user.info" "basic.auth.credentials.source" "schema.registry.url" | toJson }}
{{- end }}

{{/*
Guards for values the schema cannot judge alone. Included by every template that renders
something, so `helm template` and `helm install` fail early with a message that names the value.
*/}}
{{- define "biomarker-streams.validate" -}}
{{- $v := .Values }}
{{- if not $v.kafka.bootstrapServers }}
{{- fail "kafka.bootstrapServers is required (host:port[,host:port...])" }}
{{- end }}
{{- if not $v.schemaRegistry.url }}
{{- fail "schemaRegistry.url is required (http(s)://host:port)" }}
{{- end }}
{{- if and (not $v.image.digest) (eq (include "biomarker-streams.imageTag" .) "latest") }}
{{- fail "image.tag must be a pinned version, not \"latest\" (or set image.digest)" }}
{{- end }}
{{- if include "biomarker-streams.saslInChartSecret" . }}
{{- if not (and $v.kafka.security.sasl.username $v.kafka.security.sasl.password) }}
{{- fail (printf "kafka.security.protocol %s needs kafka.security.sasl.existingSecret or both kafka.security.sasl.username and kafka.security.sasl.password" $v.kafka.security.protocol) }}
{{- end }}
{{- end }}
{{- if and $v.kafka.security.tls.enabled (not $v.kafka.security.tls.existingSecret) }}
{{- fail "kafka.security.tls.enabled needs kafka.security.tls.existingSecret (the Secret with the truststore and keystore)" }}
{{- end }}
{{- if and $v.kafka.security.tls.enabled (not (include "biomarker-streams.kafkaTlsEnabled" .)) }}
{{- fail (printf "kafka.security.tls.enabled needs kafka.security.protocol SSL or SASL_SSL, not %s" $v.kafka.security.protocol) }}
{{- end }}
{{- if and $v.kafka.security.tls.mutual (not $v.kafka.security.tls.enabled) }}
{{- fail "kafka.security.tls.mutual needs kafka.security.tls.enabled" }}
{{- end }}
{{- if and $v.schemaRegistry.tls.enabled (not (include "biomarker-streams.registryTlsSecret" .)) }}
{{- fail "schemaRegistry.tls.enabled needs schemaRegistry.tls.existingSecret (or kafka.security.tls.existingSecret to share)" }}
{{- end }}
{{- if and $v.schemaRegistry.tls.mutual (not $v.schemaRegistry.tls.enabled) }}
{{- fail "schemaRegistry.tls.mutual needs schemaRegistry.tls.enabled" }}
{{- end }}
{{- if and $v.schemaRegistry.tls.enabled (not (hasPrefix "https://" $v.schemaRegistry.url)) }}
{{- fail "schemaRegistry.tls.enabled needs an https:// schemaRegistry.url" }}
{{- end }}
{{- if include "biomarker-streams.registryAuthInChartSecret" . }}
{{- if not (and $v.schemaRegistry.basicAuth.username $v.schemaRegistry.basicAuth.password) }}
{{- fail "schemaRegistry.basicAuth.enabled needs schemaRegistry.basicAuth.existingSecret or both username and password" }}
{{- end }}
{{- if contains ":" $v.schemaRegistry.basicAuth.username }}
{{- fail "schemaRegistry.basicAuth.username must not contain ':'" }}
{{- end }}
{{- end }}
{{- $managed := include "biomarker-streams.managedProperties" . | fromJsonArray }}
{{- range $key, $value := $v.kafka.config }}
{{- if contains "_" $key }}
{{- fail (printf "kafka.config.%s: BIOMARKER_KAFKA_* variables cannot carry '_' in a property name" $key) }}
{{- end }}
{{- if has $key $managed }}
{{- fail (printf "kafka.config.%s is set by the chart from its own values (kafka.*, schemaRegistry.*, standbyReplicas); set it there" $key) }}
{{- end }}
{{- if or (hasSuffix ".password" $key) (hasSuffix ".jaas.config" $key) (contains "user.info" $key) }}
{{- fail (printf "kafka.config.%s looks like a secret: give it through a Secret (extraEnv with valueFrom), not in values" $key) }}
{{- end }}
{{- end }}
{{- $pdbMin := toString $v.podDisruptionBudget.minAvailable }}
{{- $pdbMax := toString $v.podDisruptionBudget.maxUnavailable }}
{{- if and $v.podDisruptionBudget.enabled (ne $pdbMin "") (ne $pdbMax "") }}
{{- fail "podDisruptionBudget: set only one of maxUnavailable and minAvailable (the other to an empty string)" }}
{{- end }}
{{- if and $v.podDisruptionBudget.enabled (eq $pdbMin "") (eq $pdbMax "") }}
{{- fail "podDisruptionBudget.enabled needs maxUnavailable or minAvailable" }}
{{- end }}
{{- if and $v.protocol.file $v.protocol.existingConfigMap }}
{{- fail "protocol: set only one of file and existingConfigMap" }}
{{- end }}
{{- if and $v.mllp.enabled (eq (int $v.mllp.port) (int $v.http.port)) }}
{{- fail "mllp.port and http.port must differ" }}
{{- end }}
{{- if or (eq (int $v.http.healthPort) (int $v.http.port)) (and $v.mllp.enabled (eq (int $v.mllp.port) (int $v.http.healthPort))) }}
{{- fail "http.healthPort must differ from http.port and mllp.port" }}
{{- end }}
{{- /* Security defaults: each weaker choice must be an explicit value. */}}
{{- if and (not $v.http.tls.existingSecret) (not $v.http.insecure) }}
{{- fail "http.tls.existingSecret is required: the Secret with the server certificate (e.g. a cert-manager Certificate's, tls.crt/tls.key); or set http.insecure=true for plaintext HTTP (only behind a mesh that encrypts pod traffic)" }}
{{- end }}
{{- if and $v.http.tls.existingSecret $v.http.insecure }}
{{- fail "http.insecure=true and http.tls.existingSecret contradict each other: set one" }}
{{- end }}
{{- if not (or $v.auth.oidc.issuer $v.auth.apiTokens.existingSecret) }}
{{- fail "authentication is required: set auth.oidc.issuer (with auth.oidc.audience) and/or auth.apiTokens.existingSecret; the application refuses to serve patient data without it" }}
{{- end }}
{{- if and $v.auth.oidc.issuer (not $v.auth.oidc.audience) }}
{{- fail "auth.oidc.issuer needs auth.oidc.audience (the aud the access tokens carry)" }}
{{- end }}
{{- if and (not $v.pseudonymKey.existingSecret) (not $v.identifiedOutputs) }}
{{- fail "pseudonymKey.existingSecret is required: patient ids on the outputs and in the API become HMAC pseudonyms under that key; or set identifiedOutputs=true to publish real patient ids (explicit)" }}
{{- end }}
{{- if and (not $v.deadLetterKey.existingSecret) (not $v.deadLetterKey.allowPlaintext) }}
{{- fail "deadLetterKey.existingSecret is required: dead letters keep whole HL7 messages and are encrypted with it; or set deadLetterKey.allowPlaintext=true (explicit)" }}
{{- end }}
{{- if $v.mllp.enabled }}
{{- if not (or $v.mllp.sourceRanges $v.mllp.from) }}
{{- fail "mllp.enabled needs mllp.sourceRanges (CIDRs of the senders, e.g. the lab's interface engine) or mllp.from (NetworkPolicyPeers): MLLP is never open to everyone by default" }}
{{- end }}
{{- if and $v.mllp.tls.enabled (not $v.mllp.tls.existingSecret) }}
{{- fail "mllp.tls.enabled needs mllp.tls.existingSecret (the listener's certificate); or set mllp.tls.enabled=false for plaintext HL7 (explicit)" }}
{{- end }}
{{- if and $v.mllp.senders.file $v.mllp.senders.existingConfigMap }}
{{- fail "mllp.senders: set only one of file and existingConfigMap" }}
{{- end }}
{{- end }}
{{- if and $v.metrics.serviceMonitor.enabled (not $v.metrics.serviceMonitor.bearerTokenSecret.name) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.serviceMonitor.bearerTokenSecret.name: /metrics answers only a token with the ops role" }}
{{- end }}
{{- if and $v.networkPolicy.enabled $v.networkPolicy.egress.enabled }}
{{- range $dest := list "kafka" "registry" }}
{{- $e := index $v.networkPolicy.egress $dest }}
{{- if not (or $e.to $e.cidrs) }}
{{- fail (printf "networkPolicy.egress.%s.to or networkPolicy.egress.%s.cidrs is required: where the %s is (NetworkPolicyPeers or CIDRs); or set networkPolicy.egress.enabled=false to leave egress open (explicit)" $dest $dest (ternary "Kafka cluster" "schema registry" (eq $dest "kafka"))) }}
{{- end }}
{{- end }}
{{- if and $v.auth.oidc.issuer (not (or $v.networkPolicy.egress.idp.to $v.networkPolicy.egress.idp.cidrs)) }}
{{- fail "networkPolicy.egress.idp.to or networkPolicy.egress.idp.cidrs is required with auth.oidc.issuer: where the OIDC provider is (for its JWKS); or set networkPolicy.egress.enabled=false (explicit)" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
NetworkPolicyPeers from a block's `from` or `to` (peers as they are) and `cidrs` (each an ipBlock).
Nothing when all are empty: the guards in validate make sure that never opens a rule to everyone.
*/}}
{{- define "biomarker-streams.peers" -}}
{{- $peers := list }}
{{- range concat (default (list) .from) (default (list) .to) }}
{{- $peers = append $peers . }}
{{- end }}
{{- range .cidrs }}
{{- $peers = append $peers (dict "ipBlock" (dict "cidr" .)) }}
{{- end }}
{{- if $peers }}
{{- toYaml $peers }}
{{- end }}
{{- end }}

{{/* The TCP port of a URL: explicit, or its scheme's (https 443, http 80). */}}
{{- define "biomarker-streams.urlPort" -}}
{{- $u := urlParse . }}
{{- $hostPort := splitList ":" $u.host }}
{{- if gt (len $hostPort) 1 }}
{{- last $hostPort }}
{{- else if eq $u.scheme "http" }}80
{{- else }}443
{{- end }}
{{- end }}

{{/* Egress ports as JSON arrays: the values' ports, or those of the addresses the app connects to. */}}
{{- define "biomarker-streams.kafkaPorts" -}}
{{- $ports := list }}
{{- range .Values.networkPolicy.egress.kafka.ports }}
{{- $ports = append $ports (int .) }}
{{- end }}
{{- if not $ports }}
{{- range splitList "," .Values.kafka.bootstrapServers }}
{{- $ports = append $ports (int (last (splitList ":" (trim .)))) }}
{{- end }}
{{- end }}
{{- uniq $ports | toJson }}
{{- end }}

{{- define "biomarker-streams.registryPorts" -}}
{{- $ports := list }}
{{- range .Values.networkPolicy.egress.registry.ports }}
{{- $ports = append $ports (int .) }}
{{- end }}
{{- if not $ports }}
{{- $ports = append $ports (int (include "biomarker-streams.urlPort" .Values.schemaRegistry.url)) }}
{{- end }}
{{- uniq $ports | toJson }}
{{- end }}

{{- define "biomarker-streams.idpPorts" -}}
{{- $ports := list }}
{{- range .Values.networkPolicy.egress.idp.ports }}
{{- $ports = append $ports (int .) }}
{{- end }}
{{- if not $ports }}
{{- $ports = append $ports (int (include "biomarker-streams.urlPort" .Values.auth.oidc.issuer)) }}
{{- with .Values.auth.oidc.jwksUri }}
{{- $ports = append $ports (int (include "biomarker-streams.urlPort" .)) }}
{{- end }}
{{- end }}
{{- uniq $ports | toJson }}
{{- end }}

{{/* Host header allowlist: localhost (port-forward), the Service's names, each instance's name, and http.allowedHosts. */}}
{{- define "biomarker-streams.allowedHosts" -}}
{{- $svc := include "biomarker-streams.fullname" . }}
{{- $headless := include "biomarker-streams.headlessName" . }}
{{- $ns := .Release.Namespace }}
{{- $domain := .Values.clusterDomain }}
{{- $hosts := list "localhost" $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns $domain) }}
{{- range $i := until (int .Values.replicaCount) }}
{{- $hosts = append $hosts (printf "%s-%d.%s.%s.svc.%s" $svc $i $headless $ns $domain) }}
{{- end }}
{{- range .Values.http.allowedHosts }}
{{- $hosts = append $hosts . }}
{{- end }}
{{- if has "*" .Values.http.allowedHosts }}*{{ else }}{{ uniq $hosts | join "," }}{{ end }}
{{- end }}

{{- define "biomarker-streams.mllpSendersFromFile" -}}
{{- if or .Values.mllp.senders.file .Values.mllp.senders.existingConfigMap }}true{{ end }}
{{- end }}

{{- define "biomarker-streams.mllpSendersConfigMap" -}}
{{- if .Values.mllp.senders.existingConfigMap }}
{{- .Values.mllp.senders.existingConfigMap }}
{{- else }}
{{- printf "%s-mllp-senders" (include "biomarker-streams.fullname" . | trunc 50 | trimSuffix "-") }}
{{- end }}
{{- end }}

{{/* JAVA_TOOL_OPTIONS: container-aware heap plus whatever else javaOptions.others lists. */}}
{{- define "biomarker-streams.javaToolOptions" -}}
{{- $opts := list (printf "-XX:MaxRAMPercentage=%.1f" (float64 .Values.javaOptions.maxRAMPercentage)) }}
{{- range .Values.javaOptions.others }}
{{- $opts = append $opts . }}
{{- end }}
{{- join " " $opts }}
{{- end }}

{{/* Escape a value for a double-quoted JAAS option. */}}
{{- define "biomarker-streams.jaasQuote" -}}
{{- printf "\"%s\"" (. | replace "\\" "\\\\" | replace "\"" "\\\"") }}
{{- end }}
