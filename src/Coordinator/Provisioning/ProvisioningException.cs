namespace Coordinator.Provisioning;

/// <summary>An agent could not be started; the message says why.</summary>
public sealed class ProvisioningException(string message, Exception? inner = null) : Exception(message, inner);
