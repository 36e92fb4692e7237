using System.ComponentModel.DataAnnotations;
using Coordinator.Hosting;

namespace Coordinator.UnitTests.Configuration;

/// <summary>RabbitMq: one node or a cluster's node list, and the queue type, as every host and the agents it starts read them.</summary>
public sealed class The_broker_settings
{
    static RabbitMqOptions Cluster() => new()
    {
        Host = "ignored",
        VirtualHost = "vh",
        QueueType = BrokerQueueType.Quorum,
        Nodes =
        [
            new BrokerNode { Host = "10.0.0.1", Port = 5681, ManagementPort = 15681 },
            new BrokerNode { Host = "10.0.0.2", Port = 5682, ManagementPort = 15682 },
        ],
    };

    [Fact]
    public void Without_a_node_list_the_one_node_is_the_cluster()
    {
        var single = new RabbitMqOptions { Host = "broker", Port = 5673, ManagementPort = 15673 };
        var node = Assert.Single(single.Cluster);
        Assert.Equal(("broker", 5673, 15673), (node.Host, node.Port, node.ManagementPort));
        Assert.Equal(["10.0.0.1:5681", "10.0.0.2:5682"], Cluster().Cluster.Select(n => n.ToString()));
    }

    [Fact]
    public void An_agents_queue_is_declared_on_the_way_when_classic_and_reached_through_its_exchange_when_quorum()
    {
        Assert.Equal(new Uri("queue:agent-a1"), new RabbitMqOptions().QueueAddress("agent-a1"));
        Assert.Equal(new Uri("exchange:agent-a1"), Cluster().QueueAddress("agent-a1"));
    }

    [Fact]
    public void An_agent_the_coordinator_starts_gets_the_node_list_and_the_queue_type()
    {
        var environment = Cluster().AgentEnvironment().ToDictionary();
        Assert.Equal("Quorum", environment["RabbitMq__QueueType"]);
        Assert.Equal("vh", environment["RabbitMq__VirtualHost"]);
        Assert.Equal("10.0.0.2", environment["RabbitMq__Nodes__1__Host"]);
        Assert.Equal("5682", environment["RabbitMq__Nodes__1__Port"]);
        Assert.Equal("15682", environment["RabbitMq__Nodes__1__ManagementPort"]);
        // A container reaches every node through the host name it is given.
        Assert.Equal("host.internal", Cluster().AgentEnvironment("host.internal").ToDictionary()["RabbitMq__Nodes__0__Host"]);
    }

    [Fact]
    public void A_node_listed_twice_is_refused()
    {
        var options = Cluster();
        options.Nodes.Add(new BrokerNode { Host = "10.0.0.1", Port = 5681 });
        var errors = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true));
        Assert.Contains(errors, e => e.MemberNames.Contains("Nodes") && e.ErrorMessage!.Contains("lists one node twice"));
    }
}
