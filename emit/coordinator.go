package emit

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pipec-dev/pipec/plan"
)

// coordinatorUser is the uid the coordinator runs as: not root, as the
// restricted Pod Security profile requires ("nonroot" of distroless).
const coordinatorUser = 65532

// coordinatorObjects returns what runs a PipelineRun's plan: the
// coordinator's identity (ServiceAccount, Role, RoleBinding), the plan and
// results ConfigMaps, and its Job.
func (rc *runContext) coordinatorObjects(p *plan.Plan, planJSON []byte) []Object {
	name := p.CoordinatorJob
	lbl := labels(rc.name, "")
	meta := func(n string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: n, Namespace: rc.ns, Labels: lbl}
	}
	var jobs []string
	for _, t := range append(append([]plan.Task(nil), p.Tasks...), p.Finally...) {
		jobs = append(jobs, t.Job)
	}
	jobs = append(jobs, name)
	planCM := childName(rc.name, "plan")
	sa := &corev1.ServiceAccount{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"}, ObjectMeta: meta(name)}
	// Least privilege: read Jobs and Pods (to follow the tasks), patch only
	// this run's Jobs (to unsuspend them and record state), read the plan,
	// and patch only the results ConfigMap. No Secrets.
	role := &rbacv1.Role{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
		ObjectMeta: meta(name),
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"batch"}, Resources: []string{"jobs"}, Verbs: []string{"get", "list", "watch"}},
			{APIGroups: []string{"batch"}, Resources: []string{"jobs"}, ResourceNames: jobs, Verbs: []string{"patch"}},
			{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list", "watch"}},
			{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{planCM, p.ResultsConfigMap}, Verbs: []string{"get", "list", "watch"}},
			{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{p.ResultsConfigMap}, Verbs: []string{"patch"}},
		},
	}
	subject := rbacv1.Subject{Kind: "ServiceAccount", Name: name, Namespace: rc.ns}
	binding := &rbacv1.RoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
		ObjectMeta: meta(name),
		Subjects:   []rbacv1.Subject{subject},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: name},
	}
	cm := func(n string, data map[string]string) *corev1.ConfigMap {
		return &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: meta(n), Data: data}
	}
	return []Object{
		{Rank: rankServiceAccount, Kind: "ServiceAccount", Name: name, Obj: sa},
		{Rank: rankRole, Kind: "Role", Name: name, Obj: role},
		{Rank: rankRoleBinding, Kind: "RoleBinding", Name: name, Obj: binding},
		{Rank: rankPlan, Kind: "ConfigMap", Name: planCM, Obj: cm(planCM, map[string]string{plan.PlanKey: string(planJSON)})},
		{Rank: rankResults, Kind: "ConfigMap", Name: p.ResultsConfigMap, Obj: cm(p.ResultsConfigMap, nil)},
	}
}

// coordinatorContainer names the coordinator's container, which the Job's
// pod failure policy refers to.
var coordinatorContainer = "coordinator"

// coordinatorJob is the Job that runs `pipec coordinate`. It is the last
// object applied; its pod meets the restricted Pod Security profile.
func (rc *runContext) coordinatorJob(p *plan.Plan) Object {
	name := p.CoordinatorJob
	t, f := true, false
	uid := int64(coordinatorUser)
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: rc.ns, Labels: labels(rc.name, "")},
		Spec: batchv1.JobSpec{
			// Exit status 1 means the run failed: the coordinator's work is
			// done and a new pod would only read the record and exit 1
			// again, so the Job fails at once. Any other failure (a crash,
			// exit 2) starts a new pod, which carries on where the last one
			// was: the coordinator keeps no state of its own. Evictions do
			// not count against the retries.
			PodFailurePolicy: &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{
				{Action: batchv1.PodFailurePolicyActionFailJob, OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{
					ContainerName: &coordinatorContainer, Operator: batchv1.PodFailurePolicyOnExitCodesOpIn, Values: []int32{1}}},
				{Action: batchv1.PodFailurePolicyActionIgnore, OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{
					{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue}}},
			}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels(rc.name, "")},
				Spec: corev1.PodSpec{
					ServiceAccountName:           name,
					AutomountServiceAccountToken: &t,
					RestartPolicy:                corev1.RestartPolicyNever,
					SecurityContext: &corev1.PodSecurityContext{
						RunAsNonRoot:   &t,
						RunAsUser:      &uid,
						RunAsGroup:     &uid,
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					Containers: []corev1.Container{{
						Name:    coordinatorContainer,
						Image:   rc.c.opts.Image,
						Command: []string{"pipec", "coordinate", "--run", rc.name, "--namespace", "$(PIPEC_NAMESPACE)"},
						Env: []corev1.EnvVar{{Name: "PIPEC_NAMESPACE", ValueFrom: &corev1.EnvVarSource{
							FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}}},
						SecurityContext: &corev1.SecurityContext{
							AllowPrivilegeEscalation: &f,
							ReadOnlyRootFilesystem:   &t,
							RunAsNonRoot:             &t,
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
						},
					}},
				},
			},
		},
	}
	return Object{Rank: rankCoordinator, Kind: "Job", Name: name, Obj: job}
}
