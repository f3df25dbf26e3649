"""A real MCP client for mcpward's end-to-end tests: the official Python SDK (`mcp` on PyPI).

Usage: python3 driver.py PLAN_JSON
PLAN_JSON = {"command": "...", "args": [...], "env": {...} | null, "cwd": "..." | null,
             "elicit": "accept" | "decline" | null, "timeout": seconds per request (default 30),
             "steps": [{"op": "list_tools"} | {"op": "call", "name": "...", "args": {...}}]}
Prints one JSON array with one result object per step on stdout.
"""

import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client


def content_texts(result):
    return [c.text for c in getattr(result, "content", []) or [] if getattr(c, "text", None) is not None]


async def run(plan):
    params = StdioServerParameters(
        command=plan["command"], args=plan.get("args", []), env=plan.get("env"), cwd=plan.get("cwd")
    )
    elicit = plan.get("elicit")
    asked = []

    async def on_elicit(context, request):
        asked.append(getattr(request, "message", ""))
        if elicit == "accept":
            return types.ElicitResult(action="accept", content={"approve": True})
        return types.ElicitResult(action="decline")

    out = []
    async with stdio_client(params) as (read, write):
        kwargs = {"read_timeout_seconds": plan.get("timeout", 30)}
        if elicit is not None:
            kwargs["elicitation_callback"] = on_elicit
        async with ClientSession(read, write, **kwargs) as session:
            await session.initialize()
            for step in plan["steps"]:
                try:
                    if step["op"] == "list_tools":
                        res = await session.list_tools()
                        out.append({"tools": sorted(t.name for t in res.tools)})
                    elif step["op"] == "call":
                        res = await session.call_tool(step["name"], step.get("args"))
                        out.append({"isError": bool(getattr(res, "isError", False)), "text": content_texts(res)})
                    else:
                        out.append({"error": "unknown op " + step["op"]})
                except Exception as exc:  # the test asserts on the message
                    out.append({"error": f"{type(exc).__name__}: {exc}"})
    out.append({"elicitations": asked})
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(json.loads(sys.argv[1])))))
