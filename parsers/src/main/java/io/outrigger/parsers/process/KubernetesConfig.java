package io.outrigger.parsers.process;

import java.util.List;

/**
 * {@code - kubernetes} reads namespace, pod, pod_uid and container from the kubelet's log path
 * ({@code /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log}, or the
 * {@code /var/log/containers/<pod>_<namespace>_<container>-<id>.log} symlinks). In a sidecar, where the path says
 * nothing, set {@code pod: ${POD_NAME}}, {@code namespace: ${POD_NAMESPACE}}, {@code node: ${NODE_NAME}}
 * (substituted by the config loader; empty values are ignored). Values from the path win over configured ones.
 *
 * @param labels which of namespace, pod, pod_uid, container, node also become labels (default namespace, pod,
 *               container)
 */
public record KubernetesConfig(String pod, String namespace, String node, String container, List<String> labels) {
    public static final List<String> NAMES = List.of("namespace", "pod", "pod_uid", "container", "node");

    public KubernetesConfig {
        labels = labels == null ? List.of("namespace", "pod", "container") : List.copyOf(labels);
    }

    public KubernetesConfig() { this(null, null, null, null, null); }
}
