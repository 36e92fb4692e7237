namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>One registration of <see cref="TaskHandlerRegistration.AddTaskHandler{THandler}"/>: a task type and the handler that serves it.</summary>
internal sealed record TaskHandlerDescriptor(string TaskType, Type HandlerType);
