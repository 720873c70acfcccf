export { helloTools } from './lib/hello-tools';
export { helloComputerTool } from './lib/hello-computer.tool';
export { listGreetingsTool } from './lib/list-greetings.tool';
export { deleteMyGreetingsTool } from './lib/delete-my-greetings.tool';
export { echoTool } from './lib/echo.tool';
