using Coordinator.AgentWorker.Sdk.Tasks;

namespace Coordinator.UnitTests.AgentSdk;

/// <summary>An agent refuses assignments from a coordinator that has lost the task path: an epoch older than one it has had.</summary>
public class Owner_epochs
{
    [Fact]
    public void Equal_and_later_epochs_are_admitted_an_earlier_one_is_refused_naming_the_latest()
    {
        var owners = new OwnerEpoch();

        Assert.True(owners.Admit(0, out _)); // a coordinator on its own (no lease)
        Assert.True(owners.Admit(3, out _));
        Assert.True(owners.Admit(3, out _));
        Assert.False(owners.Admit(2, out var latest));
        Assert.Equal(3, latest);
        Assert.True(owners.Admit(4, out latest));
        Assert.Equal(4, latest);
        Assert.False(owners.Admit(0, out _));

        owners.Reset(); // registered again: a new database's lease starts from epoch 1
        Assert.True(owners.Admit(1, out _));
    }
}
