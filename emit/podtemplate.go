package emit

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/pipec-dev/pipec/source"
)

// podTemplate is Tekton's pod template (pkg/apis/pipeline/pod.Template):
// the pod fields a run may set for its tasks' pods.
type podTemplate struct {
	NodeSelector                 map[string]string                 `json:"nodeSelector,omitempty"`
	Env                          []corev1.EnvVar                   `json:"env,omitempty"`
	Tolerations                  []corev1.Toleration               `json:"tolerations,omitempty"`
	Affinity                     *corev1.Affinity                  `json:"affinity,omitempty"`
	SecurityContext              *corev1.PodSecurityContext        `json:"securityContext,omitempty"`
	Volumes                      []corev1.Volume                   `json:"volumes,omitempty"`
	RuntimeClassName             *string                           `json:"runtimeClassName,omitempty"`
	AutomountServiceAccountToken *bool                             `json:"automountServiceAccountToken,omitempty"`
	DNSPolicy                    *corev1.DNSPolicy                 `json:"dnsPolicy,omitempty"`
	DNSConfig                    *corev1.PodDNSConfig              `json:"dnsConfig,omitempty"`
	EnableServiceLinks           *bool                             `json:"enableServiceLinks,omitempty"`
	PriorityClassName            *string                           `json:"priorityClassName,omitempty"`
	SchedulerName                string                            `json:"schedulerName,omitempty"`
	ImagePullSecrets             []corev1.LocalObjectReference     `json:"imagePullSecrets,omitempty"`
	HostAliases                  []corev1.HostAlias                `json:"hostAliases,omitempty"`
	HostNetwork                  bool                              `json:"hostNetwork,omitempty"`
	TopologySpreadConstraints    []corev1.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
}

// podTemplateFields are the fields podTemplate knows.
var podTemplateFields = map[string]bool{
	"nodeSelector": true, "env": true, "tolerations": true, "affinity": true, "securityContext": true,
	"volumes": true, "runtimeClassName": true, "automountServiceAccountToken": true, "dnsPolicy": true,
	"dnsConfig": true, "enableServiceLinks": true, "priorityClassName": true, "schedulerName": true,
	"imagePullSecrets": true, "hostAliases": true, "hostNetwork": true, "topologySpreadConstraints": true,
}

// readPodTemplate decodes a podTemplate node, reporting fields it does not
// know rather than dropping them.
func (c *compilation) readPodTemplate(n *source.Node) *podTemplate {
	if n == nil {
		return nil
	}
	raw := map[string]any{}
	for k, v := range n.Entries() {
		if !podTemplateFields[k.Value] {
			c.errorf(k.Range(), CodeUnsupported, "pipec has no compilation for the podTemplate field %q", k.Value)
			continue
		}
		raw[k.Value] = v.Any()
	}
	var t podTemplate
	if err := decodeAny(raw, &t); err != nil {
		c.errorf(n.Range(), CodeUnsupported, "podTemplate: %v", err)
		return nil
	}
	return &t
}

// mergePodTemplates lays a task's template over the run's, field by field;
// env and volumes merge by name, as Tekton merges them.
func mergePodTemplates(run, task *podTemplate) *podTemplate {
	switch {
	case run == nil:
		return task
	case task == nil:
		return run
	}
	out := *task
	if out.NodeSelector == nil {
		out.NodeSelector = run.NodeSelector
	}
	out.Env = mergeByName(run.Env, task.Env, func(e corev1.EnvVar) string { return e.Name })
	if out.Tolerations == nil {
		out.Tolerations = run.Tolerations
	}
	if out.Affinity == nil {
		out.Affinity = run.Affinity
	}
	if out.SecurityContext == nil {
		out.SecurityContext = run.SecurityContext
	}
	out.Volumes = mergeByName(run.Volumes, task.Volumes, func(v corev1.Volume) string { return v.Name })
	if out.RuntimeClassName == nil {
		out.RuntimeClassName = run.RuntimeClassName
	}
	if out.AutomountServiceAccountToken == nil {
		out.AutomountServiceAccountToken = run.AutomountServiceAccountToken
	}
	if out.DNSPolicy == nil {
		out.DNSPolicy = run.DNSPolicy
	}
	if out.DNSConfig == nil {
		out.DNSConfig = run.DNSConfig
	}
	if out.EnableServiceLinks == nil {
		out.EnableServiceLinks = run.EnableServiceLinks
	}
	if out.PriorityClassName == nil {
		out.PriorityClassName = run.PriorityClassName
	}
	if out.SchedulerName == "" {
		out.SchedulerName = run.SchedulerName
	}
	if out.ImagePullSecrets == nil {
		out.ImagePullSecrets = run.ImagePullSecrets
	}
	if out.HostAliases == nil {
		out.HostAliases = run.HostAliases
	}
	out.HostNetwork = out.HostNetwork || run.HostNetwork
	if out.TopologySpreadConstraints == nil {
		out.TopologySpreadConstraints = run.TopologySpreadConstraints
	}
	return &out
}

// mergeByName returns base's entries that over does not redefine, then
// over's.
func mergeByName[T any](base, over []T, name func(T) string) []T {
	if len(base) == 0 {
		return over
	}
	seen := map[string]bool{}
	for _, e := range over {
		seen[name(e)] = true
	}
	var out []T
	for _, e := range base {
		if !seen[name(e)] {
			out = append(out, e)
		}
	}
	return append(out, over...)
}

// applyPodTemplate sets the template's fields on the pod. Its env goes to
// every step and sidecar, below their own variables of the same name; its
// strings see the task's params, as Tekton substitutes them.
func (tc *taskCompiler) applyPodTemplate(pod *corev1.PodSpec, pp phase) {
	t := tc.in.podTemplate
	if t == nil {
		return
	}
	sub := &substituter{phases: []phase{pp}}
	v := substAll(toAny(t), sub)
	if !tc.checkFixed(tc.in.podTemplateAt, v, "the podTemplate", sub) {
		return
	}
	var tt podTemplate
	if err := decodeAny(v, &tt); err != nil {
		tc.c.errorf(tc.in.at, CodeUnsupported, "podTemplate: %v", err)
		return
	}
	pod.NodeSelector = tt.NodeSelector
	pod.Tolerations = tt.Tolerations
	pod.Affinity = tt.Affinity
	pod.SecurityContext = tt.SecurityContext
	pod.Volumes = append(pod.Volumes, tt.Volumes...)
	pod.RuntimeClassName = tt.RuntimeClassName
	pod.AutomountServiceAccountToken = tt.AutomountServiceAccountToken
	if tt.DNSPolicy != nil {
		pod.DNSPolicy = *tt.DNSPolicy
	}
	pod.DNSConfig = tt.DNSConfig
	pod.EnableServiceLinks = tt.EnableServiceLinks
	if tt.PriorityClassName != nil {
		pod.PriorityClassName = *tt.PriorityClassName
	}
	pod.SchedulerName = tt.SchedulerName
	pod.ImagePullSecrets = tt.ImagePullSecrets
	pod.HostAliases = tt.HostAliases
	pod.HostNetwork = tt.HostNetwork
	pod.TopologySpreadConstraints = tt.TopologySpreadConstraints
	if len(tt.Env) > 0 {
		for i := range pod.InitContainers {
			if pod.InitContainers[i].Name != "pipec-init" {
				pod.InitContainers[i].Env = mergeByName(tt.Env, pod.InitContainers[i].Env, func(e corev1.EnvVar) string { return e.Name })
			}
		}
		for i := range pod.Containers {
			pod.Containers[i].Env = mergeByName(tt.Env, pod.Containers[i].Env, func(e corev1.EnvVar) string { return e.Name })
		}
	}
}
