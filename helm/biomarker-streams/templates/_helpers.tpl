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
