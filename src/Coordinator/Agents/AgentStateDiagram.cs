using System.Text;
using MassTransit;
using MassTransit.SagaStateMachine;

namespace Coordinator.Agents;

/// <summary>
/// Renders the agent state machine as a Mermaid state diagram, from the machine's own graph.
/// MassTransit's graph has one vertex per event, shared by every state, so pairing "state → event"
/// with "event → state" would also pair an event's finalize branch (a rejected first registration,
/// which is never stored) with every state; transitions into Final are therefore left out.
/// </summary>
public static class AgentStateDiagram
{
    public static string Mermaid(AgentStateMachine machine)
    {
        var graph = machine.GetGraph();
        var edges = graph.Edges.ToList();
        var transitions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var toEvent in edges.Where(e => e.From.VertexType == typeof(State) && e.To.VertexType != typeof(State)))
        {
            foreach (var toState in edges.Where(e => e.From.Equals(toEvent.To) && e.To.VertexType == typeof(State)))
            {
                var from = Name(toEvent.From.Title);
                var to = Name(toState.To.Title);
                if (from != to && toState.To.Title != "Final")
                    transitions.Add($"    {from} --> {to} : {toEvent.To.Title}");
            }
        }

        var text = new StringBuilder("stateDiagram-v2\n");
        foreach (var line in transitions)
            text.Append(line).Append('\n');
        return text.ToString();
    }

    static string Name(string state) => state switch
    {
        "Initial" or "Final" => "[*]",
        _ => state,
    };
}
