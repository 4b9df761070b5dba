package compiler

import "github.com/pipec-dev/pipec/diag"

// Check describes one diagnostic code of the compiler. The lint registry
// publishes these with the lint rules, so that every code pipec emits can be
// listed, explained, configured and suppressed the same way.
type Check struct {
	Code     string
	Title    string
	Severity diag.Severity
}

// Codes of the compiler's checks. They are stable: a code is never reused for
// another meaning.
const (
	// References inside one object.
	CodeUndeclaredParam     = "PC1001"
	CodeUndeclaredResult    = "PC1002"
	CodeUndeclaredWorkspace = "PC1003"
	CodeUndeclaredStep      = "PC1004"
	CodeUndeclaredResource  = "PC1005"
	CodeUnknownContext      = "PC1006"
	CodeUnknownTask         = "PC1007"
	CodeMalformedRef        = "PC1008"
	CodeInvalidPrefix       = "PC1009"
	CodeResultNoRef         = "PC1010"
	CodeTaskRefInTask       = "PC1011"
	CodeParamInDefault      = "PC1012"

	// Types of references.
	CodeArrayNotIsolated = "PC1101"
	CodeWholeInString    = "PC1102"
	CodeUndeclaredKey    = "PC1103"
	CodeIndexNonArray    = "PC1104"
	CodeIndexOutOfRange  = "PC1105"

	// Scope.
	CodeStatusOutsideFinally = "PC1201"
	CodeFinallyResultInFinal = "PC1202"
	CodeFinallyRefOutside    = "PC1203"
	CodeStepResultPlace      = "PC1204"

	// Cross-object.
	CodeUnresolvedTask      = "PC2001"
	CodeUnresolvedPipeline  = "PC2002"
	CodeExtraParam          = "PC2003"
	CodeMissingParam        = "PC2004"
	CodeParamType           = "PC2005"
	CodeUnboundWorkspace    = "PC2006"
	CodeUndeclaredPipelineW = "PC2007"
	CodeExtraWorkspace      = "PC2008"
	CodeResourceBinding     = "PC2009"
	CodeUnresolvedResource  = "PC2010"
	CodeDuplicateObject     = "PC2011"
	CodeEnumValue           = "PC2012"
	CodeRemoteRef           = "PC2013"
	CodeDuplicateParam      = "PC2014"
	CodeUnknownTaskRunSpec  = "PC2015"
	CodeExtraRunWorkspace   = "PC2016"
	CodeOptionalToRequired  = "PC2017"
	CodeWorkspaceSource     = "PC2018"
	CodeTimeouts            = "PC2019"
	CodeCustomNoAPIVersion  = "PC2020"
	CodeWhen                = "PC2021"
	CodeMatrix              = "PC2022"
	CodeRunParamResult      = "PC2023"
	CodeUnknownStepSpec     = "PC2024"

	// The task graph.
	CodeUnknownRunAfter = "PC2101"
	CodeCycle           = "PC2102"
	CodeDuplicateTask   = "PC2103"
	CodeFinallyRunAfter = "PC2104"
	CodeUnknownFrom     = "PC2105"
)

// Checks lists every code the compiler emits, with its default severity.
var Checks = []Check{
	{CodeUndeclaredParam, "reference to an undeclared param", diag.Error},
	{CodeUndeclaredResult, "reference to an undeclared result", diag.Error},
	{CodeUndeclaredWorkspace, "reference to an undeclared workspace", diag.Error},
	{CodeUndeclaredStep, "reference to an unknown step", diag.Error},
	{CodeUndeclaredResource, "reference to an undeclared PipelineResource", diag.Error},
	{CodeUnknownContext, "unknown context variable", diag.Error},
	{CodeUnknownTask, "reference to a task that is not in the pipeline", diag.Error},
	{CodeMalformedRef, "malformed reference", diag.Error},
	{CodeInvalidPrefix, "reference with an invalid prefix in a pipeline field", diag.Error},
	{CodeResultNoRef, "pipeline result that references no task result", diag.Error},
	{CodeTaskRefInTask, "$(tasks…) used inside a Task", diag.Error},
	{CodeParamInDefault, "param reference in a param's default, which is never substituted", diag.Warning},
	{CodeArrayNotIsolated, "array or object reference that is not a whole element", diag.Error},
	{CodeWholeInString, "whole array or object used as a string", diag.Error},
	{CodeUndeclaredKey, "reference to an undeclared object key", diag.Error},
	{CodeIndexNonArray, "index or [*] on a value that is not an array", diag.Error},
	{CodeIndexOutOfRange, "array index beyond the known length", diag.Error},
	{CodeStatusOutsideFinally, "execution status used outside finally", diag.Error},
	{CodeFinallyResultInFinal, "finally task using another finally task's results", diag.Error},
	{CodeFinallyRefOutside, "$(finally…) used outside the pipeline's results", diag.Error},
	{CodeStepResultPlace, "step result used where it is not available", diag.Error},
	{CodeUnresolvedTask, "taskRef that resolves to no Task", diag.Error},
	{CodeUnresolvedPipeline, "pipelineRef that resolves to no Pipeline", diag.Error},
	{CodeExtraParam, "param passed that the target does not declare", diag.Warning},
	{CodeMissingParam, "required param not supplied", diag.Error},
	{CodeParamType, "param value of the wrong type", diag.Error},
	{CodeUnboundWorkspace, "required workspace not bound", diag.Error},
	{CodeUndeclaredPipelineW, "binding to an undeclared workspace", diag.Error},
	{CodeExtraWorkspace, "binding to a workspace the task does not declare", diag.Error},
	{CodeResourceBinding, "PipelineResource binding that does not match the declaration", diag.Error},
	{CodeUnresolvedResource, "resourceRef to a PipelineResource not in the input", diag.Error},
	{CodeDuplicateObject, "same kind and name defined twice", diag.Error},
	{CodeEnumValue, "param value not in the param's enum", diag.Error},
	{CodeRemoteRef, "reference resolved remotely, not checked", diag.Info},
	{CodeDuplicateParam, "param given twice", diag.Error},
	{CodeUnknownTaskRunSpec, "taskRunSpecs entry for an unknown pipeline task", diag.Error},
	{CodeExtraRunWorkspace, "PipelineRun binds a workspace the Pipeline does not declare", diag.Warning},
	{CodeOptionalToRequired, "optional pipeline workspace bound to a required task workspace", diag.Error},
	{CodeWorkspaceSource, "workspace binding without exactly one volume source", diag.Error},
	{CodeTimeouts, "inconsistent timeouts", diag.Error},
	{CodeCustomNoAPIVersion, "custom task reference without apiVersion", diag.Error},
	{CodeWhen, "malformed when expression", diag.Error},
	{CodeMatrix, "invalid matrix", diag.Error},
	{CodeRunParamResult, "task result used in a run's param value", diag.Error},
	{CodeUnknownStepSpec, "stepSpecs or sidecarSpecs entry for an unknown step", diag.Error},
	{CodeUnknownRunAfter, "runAfter names an unknown task", diag.Error},
	{CodeCycle, "cycle in the task graph", diag.Error},
	{CodeDuplicateTask, "duplicate pipeline task name", diag.Error},
	{CodeFinallyRunAfter, "finally task with runAfter", diag.Error},
	{CodeUnknownFrom, "resource from names an unknown task", diag.Error},
}
