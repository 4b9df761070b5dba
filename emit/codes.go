package emit

import (
	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/diag"
)

// Codes of what pipec compile cannot compile (errors) or compiles with a
// loss the user should know of (warnings). They are stable: a code is never
// reused for another meaning. docs/design.md explains each one.
const (
	CodeCustomTask      = "PC9001" // custom tasks, Run, CustomRun
	CodeRemote          = "PC9002" // resolvers and bundles
	CodePipelineInTask  = "PC9003" // Pipelines in Pipelines
	CodeRunTimeField    = "PC9004" // a run-time value where only compile-time values can go
	CodeCEL             = "PC9005" // CEL when expressions
	CodeMatrixRunTime   = "PC9006" // a matrix whose size is known only at run time
	CodeNoCommand       = "PC9007" // a step that needs the wrapper but has no command
	CodeResourceType    = "PC9008" // a PipelineResource type other than git and image
	CodeStepResultValue = "PC9009" // a task result lifted from a step result
	CodeStepWhen        = "PC9010" // a step's when on run-time values
	CodeUnresolved      = "PC9011" // something the checker could not resolve
	CodeRunStatus       = "PC9012" // a run that is pending or cancelled
	CodeUnsupported     = "PC9013" // a field pipec has no compilation for

	CodeDropped      = "PC9101" // a field that a Job cannot carry, dropped
	CodeResourceFrom = "PC9102" // a resource "from" an earlier task, cloned again
	CodeNoCreds      = "PC9103" // credentials not initialised in a step
	CodeProbe        = "PC9104" // a sidecar probe adjusted to be a startupProbe
)

// Checks lists every code, with its default severity, in the form the lint
// registry uses.
var Checks = []compiler.Check{
	{Code: CodeCustomTask, Title: "custom task or Run, which pipec cannot compile", Severity: diag.Error},
	{Code: CodeRemote, Title: "remote resolution, which pipec does not do", Severity: diag.Error},
	{Code: CodePipelineInTask, Title: "pipeline task that runs a Pipeline, which pipec cannot compile", Severity: diag.Error},
	{Code: CodeRunTimeField, Title: "run-time value in a field fixed when the Job is created", Severity: diag.Error},
	{Code: CodeCEL, Title: "CEL when expression, which pipec cannot compile", Severity: diag.Error},
	{Code: CodeMatrixRunTime, Title: "matrix whose combinations are known only at run time", Severity: diag.Error},
	{Code: CodeNoCommand, Title: "step that needs the step wrapper but has no command or script", Severity: diag.Error},
	{Code: CodeResourceType, Title: "PipelineResource type pipec cannot compile", Severity: diag.Error},
	{Code: CodeStepResultValue, Title: "task result lifted from a step result", Severity: diag.Error},
	{Code: CodeStepWhen, Title: "step when expression on run-time values", Severity: diag.Error},
	{Code: CodeUnresolved, Title: "task, pipeline, StepAction or step that could not be resolved", Severity: diag.Error},
	{Code: CodeRunStatus, Title: "run that is pending or cancelled", Severity: diag.Warning},
	{Code: CodeUnsupported, Title: "field pipec has no compilation for", Severity: diag.Error},
	{Code: CodeDropped, Title: "field a Job cannot carry, left out", Severity: diag.Warning},
	{Code: CodeResourceFrom, Title: "resource taken from an earlier task, cloned again", Severity: diag.Warning},
	{Code: CodeNoCreds, Title: "credentials not initialised in a step without a command", Severity: diag.Warning},
	{Code: CodeProbe, Title: "sidecar probe adjusted to gate the steps", Severity: diag.Warning},
}
