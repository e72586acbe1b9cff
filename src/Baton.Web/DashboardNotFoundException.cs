using Baton.Core;

namespace Baton.Web;

/// <summary>The request named a ticket, worker or notification that does not exist: the page gets 404.</summary>
public sealed class DashboardNotFoundException : BatonException
{
    public DashboardNotFoundException(string message) : base(message)
    {
    }

    public DashboardNotFoundException(string message, Exception inner) : base(message, inner)
    {
    }

    public DashboardNotFoundException()
        : base("not found")
    {
    }
}
