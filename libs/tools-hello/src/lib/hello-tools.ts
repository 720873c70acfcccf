import { defineToolLibrary } from '@mcp-factory/core-factory';
import { deleteMyGreetingsTool } from './delete-my-greetings.tool';
import { echoTool } from './echo.tool';
import { helloComputerTool } from './hello-computer.tool';
import { listGreetingsTool } from './list-greetings.tool';

/** The hello tool library: `hello_computer`, `list_greetings`, `delete_my_greetings`, `echo`. */
export const helloTools = defineToolLibrary('hello', [helloComputerTool, listGreetingsTool, deleteMyGreetingsTool, echoTool]);
