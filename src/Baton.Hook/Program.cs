using Baton.Infrastructure.Hooks;

// baton-hook EVENT < hook-json
return HookRecorder.Run(args);
